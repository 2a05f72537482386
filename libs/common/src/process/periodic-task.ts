import { type Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';

/**
 * Work a process repeats on its own clock (not a BullMQ job, because it must run when Redis forgot
 * or is away): a turn at start and then every `everyMs`, and one whenever runNow() asks; never two
 * at once (runNow() during a turn answers that turn); a failure logged and the next turn tried;
 * the timer does not keep the process alive, and stop() waits for a turn under way.
 */
export class PeriodicTask {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;

  constructor(
    private readonly what: string,
    private readonly everyMs: number,
    private readonly work: () => Promise<unknown>,
    private readonly logger: Logger,
  ) {}

  /** Starts the clock and a first turn now (runNow() joins it). */
  start(): void {
    this.timer = setInterval(() => void this.runNow(), this.everyMs);
    this.timer.unref();
    void this.runNow();
  }

  /** A turn now, or the one already under way; resolves when it ends and never rejects. */
  runNow(): Promise<void> {
    if (this.running) return this.running;
    this.running = this.work()
      .then(
        () => undefined,
        (error: unknown) => {
          this.logger.warn(
            `${this.what} failed (${(error as Error).message}); again in ${this.everyMs / 1000} s`,
          );
        },
      )
      .finally(() => (this.running = null));
    return this.running;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}

/**
 * A Nest provider whose PeriodicTask lives as long as the application: started at bootstrap, stopped
 * (waiting for a turn under way) at shutdown. The subclass builds `task` in its constructor.
 */
export abstract class PeriodicService implements OnApplicationBootstrap, OnApplicationShutdown {
  protected abstract readonly task: PeriodicTask;

  onApplicationBootstrap(): void {
    this.task.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }
}
