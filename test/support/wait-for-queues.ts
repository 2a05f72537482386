import { type Queue } from 'bullmq';

export interface DrainOptions {
  timeoutMs?: number;
  pollMs?: number;
}

/**
 * Resolves when none of the queues has a waiting, active, delayed or prioritized job; rejects with
 * the counts it last saw when the timeout passes. Failed jobs do not block draining: tests assert on
 * them explicitly. The next run of a job scheduler (`repeat:<scheduler>:<time>`, delayed until its
 * time) is not work in flight: a queue with schedules (maintenance's sweep) drains between runs.
 */
export async function waitForQueuesToDrain(queues: Queue[], options: DrainOptions = {}): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const pollMs = options.pollMs ?? 50;
  const deadline = Date.now() + timeoutMs;
  let last: Record<string, Record<string, number>> = {};
  // Two quiet readings in a row: a job that finishes may enqueue the next one a moment later.
  let quiet = 0;
  while (Date.now() < deadline) {
    last = {};
    let busy = 0;
    for (const queue of queues) {
      const counts = await queue.getJobCounts(
        'waiting',
        'active',
        'delayed',
        'prioritized',
        'waiting-children',
      );
      if (counts.delayed > 0) counts.delayed = await delayedBesidesSchedules(queue, counts.delayed);
      last[queue.name] = counts;
      busy += Object.values(counts).reduce((a, b) => a + b, 0);
    }
    quiet = busy === 0 ? quiet + 1 : 0;
    if (quiet >= 2) return;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  throw new Error(`Queues did not drain within ${timeoutMs} ms: ${JSON.stringify(last)}`);
}

/** Delayed jobs that are not a job scheduler's next run. */
async function delayedBesidesSchedules(queue: Queue, delayed: number): Promise<number> {
  const jobs = await queue.getDelayed(0, delayed - 1);
  return jobs.filter((job) => !job?.id?.startsWith('repeat:')).length;
}
