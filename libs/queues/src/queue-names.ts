/**
 * Every queue the hub uses, in the order a record travels. One place, so that a reader finds where
 * work goes next and a typo cannot create a queue nobody consumes.
 */
export const QueueName = {
  /** One job per receipt: parse, map, normalise, validate, dedup, conflicts. */
  Ingest: 'ingest',
  /** One repeatable job per active poll source. */
  Poll: 'poll',
  /** Gathers `ready` records into portal batches and sends them. */
  Sync: 'sync',
  /** Compares the hub with the portal per province and repairs differences. */
  Reconcile: 'reconcile',
  /** Housekeeping: the receipt sweep, replay runs and their recovery, the receipt body purge. */
  Maintenance: 'maintenance',
  /** One job per attempt of a signed callback to a province (docs/operations.md, "Callbacks"). */
  Callbacks: 'callbacks',
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];

export const ALL_QUEUES: readonly QueueName[] = Object.values(QueueName);
