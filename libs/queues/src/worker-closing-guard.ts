import { Worker } from 'bullmq';

/**
 * BullMQ 5 retries a worker's Redis commands forever when they fail with a connection error, and
 * skips the pause between tries once the worker is closing. A worker closed while its connection
 * is gone (a forced close, or a shutdown while Redis is unreachable) then retries in a chain of
 * promises that never yields: the process sits at 100% CPU with its timers and I/O starved, and
 * never exits. Seen as an integration run that hung for 90 minutes after a test force-closed a
 * worker that had just fetched a job scheduler's job.
 *
 * The guard makes a closing worker give up instead, which is what BullMQ 6 does: the failed
 * command's error is re-raised as an ordinary error, so BullMQ's own handling reports it (or
 * swallows it while closing) and goes on closing. Nothing is lost by giving up: a job the worker
 * held is taken over by another worker once its lock expires (docs/RELIABILITY.md).
 *
 * Installed once, when @txng/queues is loaded. When BullMQ's internals no longer have the method
 * (a version that fixed it), the guard does nothing.
 */
export class WorkerClosingError extends Error {
  constructor(readonly causeError: Error) {
    super(`worker closing, Redis command not retried: ${causeError.message}`);
    this.name = 'WorkerClosingError';
  }
}

type Retry = <T>(this: RetryingWorker, fn: () => Promise<T>, opts: Record<string, unknown>) => Promise<T>;

interface RetryingWorker {
  closing?: Promise<void>;
  closed?: boolean;
  retryIfFailed: Retry;
}

const INSTALLED = Symbol.for('txng.queues.worker-closing-guard');

export function installWorkerClosingGuard(): boolean {
  const proto = Worker.prototype as unknown as RetryingWorker & { [INSTALLED]?: true };
  if (proto[INSTALLED]) return true;
  const original = proto.retryIfFailed;
  if (typeof original !== 'function') return false;
  proto.retryIfFailed = function guardedRetryIfFailed<T>(
    this: RetryingWorker,
    fn: () => Promise<T>,
    opts: Record<string, unknown>,
  ): Promise<T> {
    return original.call<RetryingWorker, [() => Promise<T>, Record<string, unknown>], Promise<T>>(
      this,
      async () => {
        try {
          return await fn();
        } catch (error) {
          if ((this.closing || this.closed) && error instanceof Error) throw new WorkerClosingError(error);
          throw error;
        }
      },
      opts,
    );
  };
  proto[INSTALLED] = true;
  return true;
}

installWorkerClosingGuard();
