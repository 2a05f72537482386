import { Inject, Injectable, Logger } from '@nestjs/common';
import { HUB_CONFIG, type HubConfig } from '@txng/common';
import { QueueStatsService } from '@txng/queues';
import { ACTIVITY_ROLLUP, type ActivityRollupPort } from './activity-rollup.port';

/**
 * One turn of the operators' charts (docs/adr/0005-activity-minutes.md), the `activity-rollup` job
 * of the maintenance queue (every ACTIVITY_ROLLUP_EVERY_MS, 30 s): the queues' depth now, then the
 * last minutes counted. The store takes a PostgreSQL advisory lock, so two turns at once count once.
 */
@Injectable()
export class ActivityRollupService {
  private readonly logger = new Logger(ActivityRollupService.name);

  constructor(
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    @Inject(ACTIVITY_ROLLUP) private readonly store: ActivityRollupPort,
    private readonly queueStats: QueueStatsService,
  ) {}

  /** Answers the minute rows counted (0 when another turn held the lock). */
  async runOnce(now: Date = new Date()): Promise<number> {
    const queues = await this.queueStats.all().catch((error: unknown) => {
      // Redis answers this job, so it is back; a failed read only leaves a gap in the queue chart.
      this.logger.warn(`queue depth not sampled (${(error as Error).message})`);
      return [];
    });
    await this.store.recordQueueDepth(
      queues.map((q) => ({
        queue: q.name,
        waiting: q.waiting,
        active: q.active,
        delayed: q.delayed,
        failed: q.failed,
      })),
      now,
    );
    return this.store.rollup(now, this.config.intake.activityKeepHours);
  }
}
