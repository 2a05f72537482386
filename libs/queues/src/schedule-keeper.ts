import { type Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { type Queue } from 'bullmq';
import { SCHEDULER_CHECK_EVERY_MS } from './job-scheduler-check';

/**
 * The one shape of the hub's schedule keepers (sync and reconciliation ticks, polls, maintenance):
 * BullMQ job schedulers live in Redis, so Redis losing its data would stop them for good. Every
 * worker process therefore brings its schedulers in line with what it wants at start, every
 * SCHEDULER_CHECK_EVERY_MS (15 s) and whenever its Redis connection is ready again (Redis may have
 * come back empty): one missing, at another interval or left without its next job is (re)created,
 * one no longer wanted removed. Upserts are idempotent, so any number of processes keep one
 * schedule. A check never runs twice at once, and a failed one (Redis or PostgreSQL down) is only
 * logged: the next check is the retry. What the schedules are is the subclass's `check`.
 */
export abstract class ScheduleKeeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<void> | null = null;

  protected constructor(
    /** The queue whose Redis connection is watched for reconnection. */
    private readonly watched: Queue,
    protected readonly logger: Logger,
    /** What is checked, for the log line of a failed check ("sync schedulers"). */
    private readonly what: string,
  ) {}

  /** Brings the schedules in line with this process's configuration (and the database). */
  protected abstract check(): Promise<void>;

  async onApplicationBootstrap(): Promise<void> {
    this.timer = setInterval(() => void this.checkSafely(), SCHEDULER_CHECK_EVERY_MS);
    this.timer.unref();
    this.watched.client
      .then((client) => client.on('ready', () => void this.checkSafely()))
      .catch((error: unknown) => this.logger.warn(`no Redis client to watch: ${(error as Error).message}`));
    await this.checkSafely();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.checking;
  }

  /** One check now, or the one already running. Never throws. */
  checkSafely(): Promise<void> {
    if (this.checking) return this.checking;
    this.checking = this.check()
      .catch((error: unknown) =>
        this.logger.warn(
          `${this.what} not checked (${(error as Error).message}); again in ${SCHEDULER_CHECK_EVERY_MS / 1000} s`,
        ),
      )
      .finally(() => (this.checking = null));
    return this.checking;
  }
}
