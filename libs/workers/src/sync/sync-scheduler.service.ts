import { InjectQueue } from '@nestjs/bullmq';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { jobSchedulerNeedsUpsert, QueueName, SCHEDULER_CHECK_EVERY_MS } from '@txng/queues';
import { type Queue } from 'bullmq';
import { SYNC_OPTIONS, type SyncOptions } from './sync.options';

export const SYNC_TICK_SCHEDULER = 'sync-tick';
export const RECONCILE_TICK_SCHEDULER = 'reconcile-tick';

const TICK_JOB_OPTIONS = { removeOnComplete: true, removeOnFail: { count: 100 } };

/**
 * One BullMQ job scheduler for the sync tick and one for scheduled reconciliation. Redis holds
 * them, so Redis losing its data would stop sync for good: every worker process asserts them at
 * start, every 15 s and whenever its Redis connection comes back, and (re)creates one that is
 * missing, set to another interval, or left without its next job (docs/sync.md, "What is rebuilt
 * from PostgreSQL"). Upserts are idempotent; the intervals follow the last process that set them.
 */
@Injectable()
export class SyncSchedulerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SyncSchedulerService.name);
  private timer: NodeJS.Timeout | undefined;
  private asserting: Promise<void> | null = null;

  constructor(
    @Inject(SYNC_OPTIONS) private readonly options: SyncOptions,
    @InjectQueue(QueueName.Sync) private readonly sync: Queue,
    @InjectQueue(QueueName.Reconcile) private readonly reconcile: Queue,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.timer = setInterval(() => void this.assertSafely(), SCHEDULER_CHECK_EVERY_MS);
    this.timer.unref();
    // A Redis that comes back may have come back empty (restarted without saving).
    this.sync.client
      .then((client) => client.on('ready', () => void this.assertSafely()))
      .catch((error: unknown) => this.logger.warn(`no Redis client to watch: ${(error as Error).message}`));
    await this.assertSafely();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.asserting;
  }

  /** Brings both schedulers in line with this process's options; returns the ids it (re)created or removed. */
  async assert(): Promise<string[]> {
    const changed: string[] = [];
    if (await jobSchedulerNeedsUpsert(this.sync, SYNC_TICK_SCHEDULER, this.options.tickMs)) {
      await this.sync.upsertJobScheduler(
        SYNC_TICK_SCHEDULER,
        { every: this.options.tickMs },
        { name: 'sync-tick', data: {}, opts: TICK_JOB_OPTIONS },
      );
      changed.push(SYNC_TICK_SCHEDULER);
    }
    if (this.options.reconcileEveryMs > 0) {
      if (
        await jobSchedulerNeedsUpsert(this.reconcile, RECONCILE_TICK_SCHEDULER, this.options.reconcileEveryMs)
      ) {
        await this.reconcile.upsertJobScheduler(
          RECONCILE_TICK_SCHEDULER,
          { every: this.options.reconcileEveryMs },
          { name: 'reconcile-tick', data: {}, opts: TICK_JOB_OPTIONS },
        );
        changed.push(RECONCILE_TICK_SCHEDULER);
      }
    } else if (await this.reconcile.getJobScheduler(RECONCILE_TICK_SCHEDULER)) {
      await this.reconcile.removeJobScheduler(RECONCILE_TICK_SCHEDULER);
      changed.push(RECONCILE_TICK_SCHEDULER);
    }
    return changed;
  }

  private async assertSafely(): Promise<void> {
    if (this.asserting) return this.asserting;
    this.asserting = this.assert()
      .then((changed) => {
        if (changed.length > 0) this.logger.log(`job schedulers set: ${changed.join(', ')}`);
      })
      .catch((error: unknown) =>
        // Redis down: the processes still run; the next check (or reconnection) sets them.
        this.logger.warn(`sync schedulers not checked (${(error as Error).message}); again in 15 s`),
      )
      .finally(() => (this.asserting = null));
    return this.asserting;
  }
}
