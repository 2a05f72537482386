import { type QueueName } from './queue-names';

/** Job names and their payloads, per queue. Processors and producers both type against this map. */
export interface JobPayloads {
  ingest: {
    'process-receipt': {
      receiptId: string;
      /**
       * A replay run (POST /v1/admin/replay): re-judge the items of this status with the current
       * mapping; `all` (POST /v1/admin/replay/receipts): every item but open conflicts and
       * operator-rejected arrivals.
       */
      replay?: { runId: string; status: 'quarantined' | 'rejected' | 'all'; kind?: string | null };
      /** How many times the job was put back because records were held back (prefix registry down). */
      holds?: number;
      /** How many times the job was put back because an earlier receipt of its source was unjudged. */
      waits?: number;
    };
  };
  poll: {
    'poll-source': { sourceKey: string };
    /** POST /v1/admin/sources/{key}/backfill: the source's whole history, as an operation (docs/poll-connector.md). */
    'poll-backfill': { operationId: string };
  };
  sync: {
    'sync-province': { provinceCode: string; target: 'production' | 'sandbox' };
    /** Every tick (the linger): a sync-province job for each province and target with work. */
    'sync-tick': Record<string, never>;
  };
  reconcile: {
    'reconcile-province': {
      provinceCode: string;
      target?: 'production' | 'sandbox';
      trigger?: 'schedule' | 'sync';
    };
    'reconcile-tick': Record<string, never>;
  };
  maintenance: {
    /** Scheduled every 10 s: receipts never queued, lost or failed, or held and forgotten, queued (again). */
    'sweep-receipts': Record<string, never>;
    /** Scheduled every 15 s: operators' operations (replay runs, replays of chosen receipts, bulk decisions, poll backfills, reconciliations) whose job Redis lost, queued again (a reconciliation that had started is ended). */
    'requeue-lost-operations': Record<string, never>;
    /** The former name of `requeue-lost-operations`; its scheduler is removed, jobs already queued under it still run. */
    'requeue-replay-runs': Record<string, never>;
    /** Scheduled: raw bodies of finished receipts past RECEIPT_BODY_RETENTION_DAYS (docs/pipeline.md). */
    'purge-receipt-bodies': Record<string, never>;
    /** Scheduled: the last minutes' activity counted for the operators' charts (docs/adr/0005). */
    'activity-rollup': Record<string, never>;
    /** POST /v1/admin/replay: the run stored in replay_run, done in bounded batches (docs/pipeline.md). */
    'replay-run': { runId: string };
    /** POST /v1/admin/provinces/{code}/reconciliation: an operator's reconciliation, as its operation (docs/sync.md). */
    'reconcile-run': { operationId: string };
    /** POST /v1/admin/conflicts/bulk-resolve: one decision over the open conflicts of one kind (docs/operations.md). */
    'conflict-resolve': { operationId: string };
    /** POST /v1/admin/replay/receipts: chosen receipts of one source judged again (ReceiptReplay). */
    'replay-receipts': { operationId: string };
  };
  callbacks: {
    /** One attempt of a delivery; `attempts` is how many it had before (the job id carries it). */
    'deliver-callback': { deliveryId: string; attempts: number };
  };
}

export type JobName<Q extends QueueName> = keyof JobPayloads[Q] & string;
export type JobPayload<Q extends QueueName, N extends JobName<Q>> = JobPayloads[Q][N];

/**
 * Deterministic job ids make enqueueing idempotent: the same receipt enqueued twice (a sweeper and
 * a webhook racing) is one job. BullMQ forbids ':' in custom ids, hence the '.' separators.
 */
export const jobId = (name: string, ...parts: string[]): string =>
  [name, ...parts].join('.').replace(/:/g, '_');
