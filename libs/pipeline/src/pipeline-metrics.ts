import { metricOnce } from '@txng/common';
import { Counter, Histogram, type Registry } from 'prom-client';
import { type PipelineObserver } from './pipeline.service';
import { type BatchPlan } from './pipeline.types';
import { type PrefixLookupResult } from './prefixes/prefix-registry-cache';

function counter(registry: Registry, name: string, help: string, labelNames: string[]): Counter {
  return metricOnce(registry, name, () => new Counter({ name, help, labelNames, registers: [registry] }));
}

/**
 * The pipeline's Prometheus metrics on the process's shared registry (METRICS_REGISTRY):
 * - txng_pipeline_records_total{outcome,kind}: how each judged record went (new, version,
 *   duplicate, quarantined, conflict; plus held for those held back);
 * - txng_pipeline_conflicts_total{code}: conflicts raised;
 * - txng_pipeline_batch_duration_seconds: one batch's transaction, from lock to commit;
 * - txng_pipeline_prefix_lookups_total{result}: prefix registry answers from the cache (hit), from
 *   the registry (miss), or not had (unreachable);
 * - txng_pipeline_replays_total{status}: records sent back through the pipeline by operators.
 */
export class PipelineMetrics implements PipelineObserver {
  private readonly records: Counter;
  private readonly conflicts: Counter;
  private readonly duration: Histogram;
  private readonly lookups: Counter;
  private readonly replays: Counter;

  constructor(registry: Registry) {
    this.records = counter(
      registry,
      'txng_pipeline_records_total',
      'Records judged by the pipeline, by outcome and kind',
      ['outcome', 'kind'],
    );
    this.conflicts = counter(
      registry,
      'txng_pipeline_conflicts_total',
      'Conflicts raised by the pipeline, by code',
      ['code'],
    );
    this.lookups = counter(
      registry,
      'txng_pipeline_prefix_lookups_total',
      'GS1 prefix registry lookups: hit (cache), miss (asked the registry), unreachable (held back)',
      ['result'],
    );
    this.replays = counter(
      registry,
      'txng_pipeline_replays_total',
      'Records replayed by operators, by status',
      ['status'],
    );
    const name = 'txng_pipeline_batch_duration_seconds';
    this.duration = metricOnce(
      registry,
      name,
      () =>
        new Histogram({
          name,
          help: 'Duration of one pipeline batch transaction (lock, decide, write)',
          buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
          registers: [registry],
        }),
    );
  }

  batch(plan: BatchPlan, seconds: number): void {
    this.duration.observe(seconds);
    for (const link of plan.links) this.records.inc({ outcome: link.outcome, kind: link.kind });
    for (const h of plan.held) this.records.inc({ outcome: 'held', kind: h.candidate.kind });
    for (const c of plan.conflicts) this.conflicts.inc({ code: c.code });
  }

  lookup(result: PrefixLookupResult): void {
    this.lookups.inc({ result });
  }

  replayed(status: string, count: number): void {
    if (count > 0) this.replays.inc({ status }, count);
  }
}
