import { Inject, Injectable } from '@nestjs/common';
import { AppError, METRICS_REGISTRY, metricOnce } from '@txng/common';
import { Counter, Histogram, type Registry } from 'prom-client';

/**
 * What arrives from the provinces, on the process's shared registry:
 * - txng_ingest_webhooks_total{source,outcome}: `accepted`, `replayed` (same webhook-id again) or
 *   the error code the hub answered (signature_invalid, rate_limited, …); `source` is the key of a
 *   source that exists, else `(unknown)` so a caller cannot grow the label set;
 * - txng_ingest_records_total{source,origin}: records counted in stored receipts;
 * - txng_ingest_webhook_seconds{outcome}: from the request to the answer (the 202 waits for the
 *   durable receipt);
 * - txng_poll_runs_total{source,outcome}: completed, skipped, failed.
 */
@Injectable()
export class IngestMetrics {
  private readonly webhooks: Counter;
  private readonly records: Counter;
  private readonly latency: Histogram;
  private readonly polls: Counter;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    this.webhooks = metricOnce(
      registry,
      'txng_ingest_webhooks_total',
      () =>
        new Counter({
          name: 'txng_ingest_webhooks_total',
          help: 'Webhook deliveries by source and outcome (accepted, replayed, or the error code answered)',
          labelNames: ['source', 'outcome'],
          registers: [registry],
        }),
    );
    this.records = metricOnce(
      registry,
      'txng_ingest_records_total',
      () =>
        new Counter({
          name: 'txng_ingest_records_total',
          help: 'Records counted in stored receipts, by source and origin (webhook, poll)',
          labelNames: ['source', 'origin'],
          registers: [registry],
        }),
    );
    this.latency = metricOnce(
      registry,
      'txng_ingest_webhook_seconds',
      () =>
        new Histogram({
          name: 'txng_ingest_webhook_seconds',
          help: 'Webhook request to answer (202 only after the body is durably stored), by outcome',
          labelNames: ['outcome'],
          buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
          registers: [registry],
        }),
    );
    this.polls = metricOnce(
      registry,
      'txng_poll_runs_total',
      () =>
        new Counter({
          name: 'txng_poll_runs_total',
          help: 'Poll runs by source and outcome (completed, skipped, failed)',
          labelNames: ['source', 'outcome'],
          registers: [registry],
        }),
    );
  }

  webhook(source: string | null, outcome: string, seconds: number, records = 0): void {
    const label = source ?? '(unknown)';
    this.webhooks.inc({ source: label, outcome });
    this.latency.observe({ outcome }, seconds);
    if (outcome === 'accepted' && records > 0)
      this.records.inc({ source: label, origin: 'webhook' }, records);
  }

  pollRun(source: string, outcome: string, records: number): void {
    this.polls.inc({ source, outcome });
    if (records > 0) this.records.inc({ source, origin: 'poll' }, records);
  }

  /** The outcome label of an error thrown by intake: its contract error code, or `internal_error`. */
  static outcomeOf(error: unknown): string {
    return error instanceof AppError ? error.code : 'internal_error';
  }
}
