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
  // The retry schedule of a callback is its own (callback_delivery.next_attempt_at): one attempt, one job.
  [QueueName.Callbacks]: {
    ...DEFAULT_JOB_OPTIONS,
    attempts: 1,
    removeOnComplete: { age: 3600, count: 1000 },
    removeOnFail: { age: 7 * DAY, count: 1000 },
  },
};

/** How many jobs of each queue one worker process runs at once. */
export const QUEUE_CONCURRENCY: Record<QueueName, number> = {
  [QueueName.Ingest]: 4,
  [QueueName.Poll]: 4,
  [QueueName.Sync]: 4,
  [QueueName.Reconcile]: 1,
  // The receipt sweep (every 10 s, short) shares the queue with replay runs and the body purge,
  // which can take minutes: a sweep waits for a slot only while four of those run in every process.
  [QueueName.Maintenance]: 4,
  // Mostly waiting on provinces' answers (at most 10 s each).
  [QueueName.Callbacks]: 8,
};

/**
 * How long a job's lock lives without renewal (the worker renews it every half of that), and how
 * often workers look for jobs whose lock ran out. A process killed mid-job leaves its jobs active
 * under its lock; another process runs them again once the lock is gone and a stall check saw it,
 * within LOCK_MS + 2 × STALLED_CHECK_MS (25 s; BullMQ's defaults made it 30-90 s, during which the
 * dead process's fixed-id sync job kept its province from syncing). Running a job twice is safe
 * for every queue (receipts and sync batches are idempotent in PostgreSQL), so a short lock costs
 * at most a duplicate run when a process stalls for more than half of it.
 */
export const LOCK_MS = 15_000;
export const STALLED_CHECK_MS = 5_000;

/**
 * Options every processor of a queue runs with. BullMQ records per-minute completion counts only
 * when a worker asks for them; the operator API's throughput and /metrics read those counts.
 */
export function workerOptions(queue: QueueName): {
  concurrency: number;
  metrics: { maxDataPoints: number };
  lockDuration: number;
  stalledInterval: number;
} {
  return {
    concurrency: QUEUE_CONCURRENCY[queue],
    metrics: { maxDataPoints: MetricsTime.ONE_WEEK },
    lockDuration: LOCK_MS,
    stalledInterval: STALLED_CHECK_MS,
  };
}
