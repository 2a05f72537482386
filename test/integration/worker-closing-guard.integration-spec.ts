import { Worker } from 'bullmq';
import { installWorkerClosingGuard, redisConnectionOptions, WorkerClosingError } from '@txng/queues';
import { createTestEnv, type TestEnv } from '../support/test-env';

/** The message ioredis gives a command on a closed connection, which BullMQ treats as retryable. */
const CONNECTION_CLOSED = 'Connection is closed.';

type Retrying = { retryIfFailed: <T>(fn: () => Promise<T>, opts: Record<string, unknown>) => Promise<T> };

describe('a closing worker does not retry Redis commands forever (real Redis)', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv();
  });
  afterAll(async () => {
    await env.dispose();
  });

  it('is installed by loading @txng/queues', () => {
    expect(installWorkerClosingGuard()).toBe(true);
  });

  it('a command failing for a closed connection after a forced close is tried once and raised', async () => {
    const worker = new Worker('closing-guard', () => Promise.resolve(), {
      connection: redisConnectionOptions(env.config.redisUrl),
      prefix: env.redisPrefix,
      runRetryDelay: 10,
    });
    await worker.waitUntilReady();
    await worker.close(true);

    // Without the guard BullMQ 5 calls this again at once, forever, in a chain of promises that
    // starves the event loop; the cap turns that hang into a failure this test can report.
    let calls = 0;
    const command = () => {
      calls += 1;
      if (calls > 50) return Promise.reject(new Error('retried without end'));
      return Promise.reject(new Error(CONNECTION_CLOSED));
    };
    const outcome = await (worker as unknown as Retrying)
      .retryIfFailed(command, { delayInMs: 10 })
      .then(
        () => 'resolved',
        (error: unknown) => error,
      );
    expect(outcome).toBeInstanceOf(WorkerClosingError);
    expect(calls).toBe(1);
  });

  it('a running worker still retries a connection error after its pause, as BullMQ intends', async () => {
    const worker = new Worker('closing-guard-live', () => Promise.resolve(), {
      connection: redisConnectionOptions(env.config.redisUrl),
      prefix: env.redisPrefix,
    });
    try {
      await worker.waitUntilReady();
      let calls = 0;
      const command = () => {
        calls += 1;
        return calls < 3 ? Promise.reject(new Error(CONNECTION_CLOSED)) : Promise.resolve('done');
      };
      await expect((worker as unknown as Retrying).retryIfFailed(command, { delayInMs: 5 })).resolves.toBe(
        'done',
      );
      expect(calls).toBe(3);
    } finally {
      await worker.close();
    }
  });
});
