import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { HUB_CONFIG, type HubConfig } from '@txng/common';
import {
  dropJobScheduler,
  ensureJobScheduler,
  QueueName,
  SCHEDULER_CHECK_EVERY_MS,
  ScheduleKeeper,
} from '@txng/queues';
import { type Queue } from 'bullmq';

export const PURGE_BODIES_SCHEDULER = 'purge-receipt-bodies';
export const SWEEP_RECEIPTS_SCHEDULER = 'sweep-receipts';
export const REQUEUE_LOST_OPERATIONS_SCHEDULER = 'requeue-lost-operations';
/**
 * The former id of REQUEUE_LOST_OPERATIONS_SCHEDULER: deployments have it in Redis, where it would
 * go on firing next to its successor, so every check removes it.
 */
export const FORMER_REQUEUE_SCHEDULER = 'requeue-replay-runs';
export const ACTIVITY_ROLLUP_SCHEDULER = 'activity-rollup';

/** How often receipts are swept (docs/pipeline.md, "What is rebuilt from PostgreSQL"). */
export const SWEEP_RECEIPTS_EVERY_MS = 10_000;

/** Finished runs of the frequent sweeps: the last ones stay on the queue board, the rest go. */
const KEEP_LAST = { removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } };

/**
 * The maintenance queue's job schedulers, kept by every worker process as every schedule is
 * (ScheduleKeeper: at start, every 15 s, on Redis reconnection):
 * - `sweep-receipts` every 10 s: receipts never queued, whose ingest job is lost or failed, or
 *   whose held-back records nobody re-checks are queued (again);
 * - `requeue-lost-operations` every 15 s: operators' operations (replay runs, replays of chosen
 *   receipts, bulk decisions, poll backfills, reconciliations) whose job Redis lost are queued again
 *   (a reconciliation that had started is ended); the former `requeue-replay-runs` is removed;
 * - `activity-rollup` every ACTIVITY_ROLLUP_EVERY_MS (30 s): the last minutes counted for the
 *   operators' charts (docs/adr/0005-activity-minutes.md);
 * - `purge-receipt-bodies` every RECEIPT_BODY_PURGE_EVERY_MS while retention is on (removed when it
 *   is off, so the schedule follows the configuration of the last process that set it).
 */
@Injectable()
export class MaintenanceSchedulerService extends ScheduleKeeper {
  constructor(
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    @InjectQueue(QueueName.Maintenance) private readonly maintenance: Queue,
  ) {
    super(maintenance, new Logger(MaintenanceSchedulerService.name), 'maintenance schedulers');
  }

  /** Brings the schedulers in line with this process's configuration; returns the ids it (re)created or removed. */
  async assert(): Promise<string[]> {
    const changed: string[] = [];
    const sweep = { name: 'sweep-receipts', data: {}, opts: KEEP_LAST };
    if (await ensureJobScheduler(this.maintenance, SWEEP_RECEIPTS_SCHEDULER, SWEEP_RECEIPTS_EVERY_MS, sweep))
      changed.push(SWEEP_RECEIPTS_SCHEDULER);
    const lost = { name: 'requeue-lost-operations', data: {}, opts: KEEP_LAST };
    if (
      await ensureJobScheduler(
        this.maintenance,
        REQUEUE_LOST_OPERATIONS_SCHEDULER,
        SCHEDULER_CHECK_EVERY_MS,
        lost,
      )
    )
      changed.push(REQUEUE_LOST_OPERATIONS_SCHEDULER);
    if (await dropJobScheduler(this.maintenance, FORMER_REQUEUE_SCHEDULER))
      changed.push(`${FORMER_REQUEUE_SCHEDULER} (removed)`);
    const activity = { name: 'activity-rollup', data: {}, opts: KEEP_LAST };
    if (
      await ensureJobScheduler(
        this.maintenance,
        ACTIVITY_ROLLUP_SCHEDULER,
        this.config.intake.activityEveryMs,
        activity,
      )
    )
      changed.push(ACTIVITY_ROLLUP_SCHEDULER);
    const { bodyRetentionDays, purgeEveryMs } = this.config.intake;
    const purge = { name: 'purge-receipt-bodies', data: {}, opts: KEEP_LAST };
    const purgeChanged =
      bodyRetentionDays === null
        ? await dropJobScheduler(this.maintenance, PURGE_BODIES_SCHEDULER)
        : await ensureJobScheduler(this.maintenance, PURGE_BODIES_SCHEDULER, purgeEveryMs, purge);
    if (purgeChanged) changed.push(PURGE_BODIES_SCHEDULER);
    return changed;
  }

  protected async check(): Promise<void> {
    const changed = await this.assert();
    if (changed.length > 0) this.logger.log(`maintenance job schedulers set: ${changed.join(', ')}`);
  }
}
