import { type Logger } from '@nestjs/common';
import { PeriodicTask } from './periodic-task';

/** A promise the test settles by hand, so nothing here depends on timing. */
function deferred(): { promise: Promise<void>; resolve: () => void; reject: (e: Error) => void } {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('PeriodicTask', () => {
  const warnings: string[] = [];
  const logger = { warn: (line: string) => warnings.push(line) } as unknown as Logger;
  beforeEach(() => (warnings.length = 0));

  it('runs a first turn at start, and runNow() during a turn answers that turn instead of a second one', async () => {
    const turns: Array<ReturnType<typeof deferred>> = [];
    const task = new PeriodicTask(
      'test work',
      3_600_000,
      () => {
        turns.push(deferred());
        return turns[turns.length - 1].promise;
      },
      logger,
    );
    task.start();
    expect(turns).toHaveLength(1);
    const joined = task.runNow();
    expect(turns).toHaveLength(1);
    turns[0].resolve();
    await joined;
    // The first turn has ended: this runNow() is a turn of its own.
    const second = task.runNow();
    expect(turns).toHaveLength(2);
    turns[1].resolve();
    await second;
    await task.stop();
  });

  it('logs a failed turn with when it is tried again, never rejects, and runs the next one', async () => {
    let calls = 0;
    const task = new PeriodicTask(
      'schedulers check',
      15_000,
      () => (++calls === 1 ? Promise.reject(new Error('Redis is away')) : Promise.resolve()),
      logger,
    );
    await expect(task.runNow()).resolves.toBeUndefined();
    expect(warnings).toEqual(['schedulers check failed (Redis is away); again in 15 s']);
    await task.runNow();
    expect(calls).toBe(2);
    expect(warnings).toHaveLength(1);
  });

  it('stop() waits for the turn under way', async () => {
    const turn = deferred();
    let ended = false;
    const task = new PeriodicTask(
      'test work',
      3_600_000,
      () => turn.promise.then(() => (ended = true)),
      logger,
    );
    task.start();
    const stopped = task.stop().then(() => ended);
    turn.resolve();
    expect(await stopped).toBe(true);
  });
});
