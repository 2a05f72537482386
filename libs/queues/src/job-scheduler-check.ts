import { type Queue } from 'bullmq';

/** How often every worker process checks that its job schedulers are still in Redis. */
export const SCHEDULER_CHECK_EVERY_MS = 15_000;

/**
 * Whether a BullMQ job scheduler must be (re)created: it is missing (Redis lost its data), runs at
 * another interval than this process wants, or its next job is gone although it is due (the job
 * was removed by hand or lost with part of Redis), which would leave the scheduler waiting forever.
 * Asking first keeps a periodic re-assertion from pushing a long interval's next run ever later.
 */
export async function jobSchedulerNeedsUpsert(queue: Queue, id: string, every: number): Promise<boolean> {
  const scheduler = await queue.getJobScheduler(id);
  if (!scheduler || Number(scheduler.every) !== every) return true;
  const next = scheduler.next;
  if (next === undefined || next === null || next > Date.now()) return false;
  // BullMQ names each run of a scheduler `repeat:<scheduler id>:<time>`.
  return (await queue.getJobState(`repeat:${id}:${next}`)) === 'unknown';
}

/** What each run of a job scheduler is: its job's name, data and options. */
export interface ScheduledJob {
  name: string;
  data: Record<string, unknown>;
  opts?: { removeOnComplete?: boolean | { count: number }; removeOnFail?: boolean | { count: number } };
}

/**
 * Sets a job scheduler to run `job` every `every` ms when it needs it (jobSchedulerNeedsUpsert).
 * Returns whether it was (re)created.
 */
export async function ensureJobScheduler(
  queue: Queue,
  id: string,
  every: number,
  job: ScheduledJob,
): Promise<boolean> {
  if (!(await jobSchedulerNeedsUpsert(queue, id, every))) return false;
  await queue.upsertJobScheduler(id, { every }, job);
  return true;
}

/** Removes a job scheduler if there is one; returns whether there was. */
export async function dropJobScheduler(queue: Queue, id: string): Promise<boolean> {
  if (!(await queue.getJobScheduler(id))) return false;
  await queue.removeJobScheduler(id);
  return true;
}
