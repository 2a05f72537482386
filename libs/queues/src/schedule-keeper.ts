import { type Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { PeriodicTask } from '@txng/common';
import { type Queue } from 'bullmq';
import { SCHEDULER_CHECK_EVERY_MS } from './job-scheduler-check';

/**
 * The one shape of the hub's schedule keepers (sync and reconciliation ticks, polls, maintenance):
 * BullMQ job schedulers live in Redis, so Redis losing its data would stop them for good. Every
 * worker process therefore brings its schedulers in line with what it wants at start, every
 * SCHEDULER_CHECK_EVERY_MS (15 s) and whenever its Redis connection is ready again (Redis may have
 * come back empty): one missing, at another interval or left without its next job is (re)created,
 * one no longer wanted removed. Upserts are idempotent, so any number of processes keep one
 * schedule. The clock is a PeriodicTask: a check never runs twice at once, and a failed one (Redis
 * or PostgreSQL down) is only logged, the next check being the retry. What the schedules are is the
 * subclass's `check`.
 */
export abstract class ScheduleKeeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly task: PeriodicTask;

  protected constructor(
    /** The queue whose Redis connection is watched for reconnection. */
    private readonly watched: Queue,
    protected readonly logger: Logger,
    /** What is checked, for the log line of a failed check ("sync schedulers"). */
    what: string,
  ) {
    this.task = new PeriodicTask(`${what} check`, SCHEDULER_CHECK_EVERY_MS, () => this.check(), logger);
  }

  /** Brings the schedules in line with this process's configuration (and the database). */
  protected abstract check(): Promise<void>;

  /** Starts the clock and the reconnection watch; answers once the first check has ended. */
  async onApplicationBootstrap(): Promise<void> {
    this.task.start();
    this.watched.client
      .then((client) => client.on('ready', () => void this.task.runNow()))
      .catch((error: unknown) => this.logger.warn(`no Redis client to watch: ${(error as Error).message}`));
    await this.task.runNow();
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  /** One check now, or the one already running. Never throws. */
  checkSafely(): Promise<void> {
    return this.task.runNow();
  }
}
