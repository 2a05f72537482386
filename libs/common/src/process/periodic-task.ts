import { type Logger } from '@nestjs/common';

/**
 * Work a process repeats on its own clock (not a BullMQ job, because it must run when Redis forgot
 * or is away): runs at start and then every `everyMs`, never two at once, a failure logged and the
 * next turn tried; the timer does not keep the process alive, and stop() waits for a turn under way.
 */
export class PeriodicTask {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | null = null;

  constructor(
    private readonly what: string,
    private readonly everyMs: number,
    private readonly work: () => Promise<unknown>,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.tick(), this.everyMs);
    this.timer.unref();
    this.tick();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private tick(): void {
    if (this.running) return;
    this.running = this.work()
      .catch((error: unknown) => this.logger.warn(`${this.what} failed: ${(error as Error).message}`))
      .finally(() => (this.running = null));
  }
}
