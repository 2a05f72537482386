import { metricOnce } from '@txng/common';
import { type PortalClients, type PortalTarget } from '@txng/portal-client';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

const BREAKER_VALUE = { closed: 0, 'half-open': 1, open: 2 } as const;

/** Sync metrics on the process registry (docs/sync.md, "Metrics"). */
export class SyncMetrics {
  readonly records: Counter<'target' | 'result'>;
  readonly batches: Counter<'target' | 'outcome'>;
  readonly batchSeconds: Histogram<'target' | 'outcome'>;

  constructor(
    registry: Registry,
    clients: PortalClients,
    backlog: () => Promise<{ ready: number; pendingBatches: number }>,
  ) {
    this.records = metricOnce(
      registry,
      'txng_sync_records_total',
      () =>
        new Counter({
          name: 'txng_sync_records_total',
          help: 'Record versions sent to the portal, by what became of them (accepted, duplicate, stale, rejected, failed)',
          labelNames: ['target', 'result'],
          registers: [registry],
        }),
    );
    this.batches = metricOnce(
      registry,
      'txng_sync_batches_total',
      () =>
        new Counter({
          name: 'txng_sync_batches_total',
          help: 'Batch sends by outcome: acked, deferred (retryable error), failed (permanent error)',
          labelNames: ['target', 'outcome'],
          registers: [registry],
        }),
    );
    this.batchSeconds = metricOnce(
      registry,
      'txng_sync_batch_duration_seconds',
      () =>
        new Histogram({
          name: 'txng_sync_batch_duration_seconds',
          help: 'Time from sending a batch to its acknowledgement (or error)',
          labelNames: ['target', 'outcome'],
          buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
          registers: [registry],
        }),
    );
    if (!registry.getSingleMetric('txng_portal_breaker_state')) {
      new Gauge({
        name: 'txng_portal_breaker_state',
        help: 'Circuit breaker per portal target: 0 closed, 1 half-open, 2 open',
        labelNames: ['target'],
        registers: [registry],
        collect() {
          for (const target of ['production', 'sandbox'] as PortalTarget[]) {
            const client = clients[target];
            if (client) this.set({ target }, BREAKER_VALUE[client.breakerState]);
          }
        },
      });
    }
    if (!registry.getSingleMetric('txng_sync_ready_backlog')) {
      const pending = new Gauge({
        name: 'txng_sync_pending_batches',
        help: 'Claimed batches not yet acknowledged by the portal',
        registers: [registry],
      });
      new Gauge({
        name: 'txng_sync_ready_backlog',
        help: 'Record versions in status ready (waiting for the portal, claimed or not)',
        registers: [registry],
        async collect() {
          try {
            const now = await backlog();
            this.set(now.ready);
            pending.set(now.pendingBatches);
          } catch {
            // The database is down: /metrics still answers; the gauge keeps its last value.
          }
        },
      });
    }
  }
}
