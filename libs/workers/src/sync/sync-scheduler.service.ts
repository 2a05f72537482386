import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { QueueName } from '@txng/queues';
import { type Queue } from 'bullmq';
import { SYNC_OPTIONS, type SyncOptions } from './sync.options';

export const SYNC_TICK_SCHEDULER = 'sync-tick';
export const RECONCILE_TICK_SCHEDULER = 'reconcile-tick';

/**
 * One BullMQ job scheduler for the sync tick and one for scheduled reconciliation. Every worker
 * process upserts them at start (idempotent), so the intervals follow the configuration of the
 * last process started.
 */
@Injectable()
export class SyncSchedulerService implements OnApplicationBootstrap {
  private readonly logger = new Logger(SyncSchedulerService.name);

  constructor(
    @Inject(SYNC_OPTIONS) private readonly options: SyncOptions,
    @InjectQueue(QueueName.Sync) private readonly sync: Queue,
    @InjectQueue(QueueName.Reconcile) private readonly reconcile: Queue,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.sync.upsertJobScheduler(
        SYNC_TICK_SCHEDULER,
        { every: this.options.tickMs },
        { name: 'sync-tick', data: {}, opts: { removeOnComplete: true, removeOnFail: { count: 100 } } },
      );
      if (this.options.reconcileEveryMs > 0) {
        await this.reconcile.upsertJobScheduler(
          RECONCILE_TICK_SCHEDULER,
          { every: this.options.reconcileEveryMs },
          {
            name: 'reconcile-tick',
            data: {},
            opts: { removeOnComplete: true, removeOnFail: { count: 100 } },
          },
        );
      } else {
        await this.reconcile.removeJobScheduler(RECONCILE_TICK_SCHEDULER);
      }
    } catch (error) {
      // Redis down at start: the processes still run; the schedulers are set at the next start.
      this.logger.error(`sync schedulers not set: ${(error as Error).message}`);
    }
  }
}
