import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { dropJobScheduler, ensureJobScheduler, QueueName, ScheduleKeeper } from '@txng/queues';
import { type Queue } from 'bullmq';
import { SYNC_OPTIONS, type SyncOptions } from './sync.options';

export const SYNC_TICK_SCHEDULER = 'sync-tick';
export const RECONCILE_TICK_SCHEDULER = 'reconcile-tick';

const TICK_JOB_OPTIONS = { removeOnComplete: true, removeOnFail: { count: 100 } };

/**
 * One BullMQ job scheduler for the sync tick and one for scheduled reconciliation, kept by every
 * worker process as every schedule is (ScheduleKeeper: at start, every 15 s, on Redis reconnection;
 * docs/sync.md, "What is rebuilt from PostgreSQL"). The intervals follow the last process that set them.
 */
@Injectable()
export class SyncSchedulerService extends ScheduleKeeper {
  constructor(
    @Inject(SYNC_OPTIONS) private readonly options: SyncOptions,
    @InjectQueue(QueueName.Sync) private readonly sync: Queue,
    @InjectQueue(QueueName.Reconcile) private readonly reconcile: Queue,
  ) {
    super(sync, new Logger(SyncSchedulerService.name), 'sync schedulers');
  }

  /** Brings both schedulers in line with this process's options; returns the ids it (re)created or removed. */
  async assert(): Promise<string[]> {
    const changed: string[] = [];
    const tick = { name: 'sync-tick', data: {}, opts: TICK_JOB_OPTIONS };
    if (await ensureJobScheduler(this.sync, SYNC_TICK_SCHEDULER, this.options.tickMs, tick))
      changed.push(SYNC_TICK_SCHEDULER);
    const reconcileTick = { name: 'reconcile-tick', data: {}, opts: TICK_JOB_OPTIONS };
    const reconcileChanged =
      this.options.reconcileEveryMs > 0
        ? await ensureJobScheduler(
            this.reconcile,
            RECONCILE_TICK_SCHEDULER,
            this.options.reconcileEveryMs,
            reconcileTick,
          )
        : await dropJobScheduler(this.reconcile, RECONCILE_TICK_SCHEDULER);
    if (reconcileChanged) changed.push(RECONCILE_TICK_SCHEDULER);
    return changed;
  }

  protected async check(): Promise<void> {
    const changed = await this.assert();
    if (changed.length > 0) this.logger.log(`job schedulers set: ${changed.join(', ')}`);
  }
}
