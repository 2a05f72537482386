import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { HUB_CONFIG, type HubConfig } from '@txng/common';
import { QueueName } from '@txng/queues';
import { type Queue } from 'bullmq';

export const PURGE_BODIES_SCHEDULER = 'purge-receipt-bodies';

/**
 * The job scheduler of the receipt body purge on the maintenance queue. Every worker process
 * upserts it at start (idempotent: one schedule whatever the number of processes), or removes it
 * when retention is off, so the schedule follows the configuration of the last process started.
 */
@Injectable()
export class MaintenanceSchedulerService implements OnApplicationBootstrap {
  private readonly logger = new Logger(MaintenanceSchedulerService.name);

  constructor(
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    @InjectQueue(QueueName.Maintenance) private readonly maintenance: Queue,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { bodyRetentionDays, purgeEveryMs } = this.config.intake;
    try {
      if (bodyRetentionDays === null) {
        await this.maintenance.removeJobScheduler(PURGE_BODIES_SCHEDULER);
        return;
      }
      await this.maintenance.upsertJobScheduler(
        PURGE_BODIES_SCHEDULER,
        { every: purgeEveryMs },
        {
          name: 'purge-receipt-bodies',
          data: {},
          opts: { removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } },
        },
      );
    } catch (error) {
      // Redis down at start: the process still runs; the schedule is set at the next start.
      this.logger.error(`receipt body purge not scheduled: ${(error as Error).message}`);
    }
  }
}
