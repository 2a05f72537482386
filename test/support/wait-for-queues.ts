import { type Queue } from 'bullmq';

export interface DrainOptions {
  timeoutMs?: number;
  pollMs?: number;
}

/**
 * Resolves when none of the queues has a waiting, active, delayed or prioritized job; rejects with
 * the counts it last saw when the timeout passes. Failed jobs do not block draining: tests assert on
 * them explicitly.
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
      last[queue.name] = counts;
      busy += Object.values(counts).reduce((a, b) => a + b, 0);
    }
    quiet = busy === 0 ? quiet + 1 : 0;
    if (quiet >= 2) return;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  throw new Error(`Queues did not drain within ${timeoutMs} ms: ${JSON.stringify(last)}`);
}
