import { type DefaultJobOptions, MetricsTime } from 'bullmq';
import { QueueName } from './queue-names';

const DAY = 24 * 3600;

/** Retry with exponential backoff; keep finished jobs long enough for operators to look at them. */
export const DEFAULT_JOB_OPTIONS: DefaultJobOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { age: DAY, count: 10_000 },
  removeOnFail: { age: 14 * DAY },
};

/** Per-queue differences from the default. */
export const QUEUE_JOB_OPTIONS: Record<QueueName, DefaultJobOptions> = {
  [QueueName.Ingest]: DEFAULT_JOB_OPTIONS,
  // A poll run that fails is simply the next run: retrying it would double the load on a sick source.
  [QueueName.Poll]: { ...DEFAULT_JOB_OPTIONS, attempts: 1, removeOnComplete: { age: 3600, count: 1000 } },
  [QueueName.Sync]: { ...DEFAULT_JOB_OPTIONS, attempts: 20, backoff: { type: 'exponential', delay: 1000 } },
  [QueueName.Reconcile]: { ...DEFAULT_JOB_OPTIONS, attempts: 3 },
  [QueueName.Maintenance]: {
    ...DEFAULT_JOB_OPTIONS,
    attempts: 1,
    removeOnComplete: { age: 3600, count: 100 },
  },
};

/** How many jobs of each queue one worker process runs at once. */
export const QUEUE_CONCURRENCY: Record<QueueName, number> = {
  [QueueName.Ingest]: 4,
  [QueueName.Poll]: 4,
  [QueueName.Sync]: 4,
  [QueueName.Reconcile]: 1,
  [QueueName.Maintenance]: 1,
};

/**
 * Options every processor of a queue runs with. BullMQ records per-minute completion counts only
 * when a worker asks for them; the operator API's throughput and /metrics read those counts.
 */
export function workerOptions(queue: QueueName): { concurrency: number; metrics: { maxDataPoints: number } } {
  return { concurrency: QUEUE_CONCURRENCY[queue], metrics: { maxDataPoints: MetricsTime.ONE_WEEK } };
}
