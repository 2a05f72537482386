import { Queue, Worker } from 'bullmq';
import { redisConnectionOptions } from '@txng/queues';
import { createTestEnv, type TestEnv } from '../support/test-env';
import { waitForQueuesToDrain } from '../support/wait-for-queues';

describe('waitForQueuesToDrain (real Redis)', () => {
  let env: TestEnv;
  let queue: Queue;

  beforeAll(async () => {
    env = await createTestEnv();
    queue = new Queue('drain-test', {
      connection: redisConnectionOptions(env.config.redisUrl),
      prefix: env.redisPrefix,
    });
  });
  afterAll(async () => {
    await queue.close();
    await env.dispose();
  });

  it('waits until jobs, including jobs enqueued by jobs, are done', async () => {
    const done: string[] = [];
    const worker = new Worker(
      'drain-test',
      async (job) => {
        await new Promise((r) => setTimeout(r, 30));
        done.push(job.name);
        if (job.name === 'first') await queue.add('follow-up', {});
      },
      { connection: redisConnectionOptions(env.config.redisUrl), prefix: env.redisPrefix },
    );
    try {
      await queue.addBulk([
        { name: 'first', data: {} },
        { name: 'second', data: {} },
      ]);
      await waitForQueuesToDrain([queue], { timeoutMs: 10_000 });
      expect(done.sort()).toEqual(['first', 'follow-up', 'second']);
    } finally {
      await worker.close();
    }
  });

  it('rejects with the counts when the queue does not drain in time', async () => {
    await queue.add('nobody-consumes-this', {});
    await expect(waitForQueuesToDrain([queue], { timeoutMs: 300 })).rejects.toThrow(
      /did not drain.*"waiting":1/,
    );
    await queue.obliterate({ force: true });
  });

  it("drains between a job scheduler's runs, and not while another job is delayed", async () => {
    await queue.upsertJobScheduler('every-minute', { every: 60_000, startDate: Date.now() + 60_000 });
    expect(await queue.getJobCounts('delayed')).toEqual({ delayed: 1 });
    await waitForQueuesToDrain([queue], { timeoutMs: 2_000 });
    await queue.add('later', {}, { delay: 60_000 });
    await expect(waitForQueuesToDrain([queue], { timeoutMs: 300 })).rejects.toThrow(
      /did not drain.*"delayed":1/,
    );
    await queue.obliterate({ force: true });
  });
});
