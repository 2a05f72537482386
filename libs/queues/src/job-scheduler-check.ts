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
