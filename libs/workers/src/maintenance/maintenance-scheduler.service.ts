import { InjectQueue } from '@nestjs/bullmq';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { HUB_CONFIG, type HubConfig } from '@txng/common';
import { jobSchedulerNeedsUpsert, QueueName, SCHEDULER_CHECK_EVERY_MS } from '@txng/queues';
import { type Queue } from 'bullmq';

export const PURGE_BODIES_SCHEDULER = 'purge-receipt-bodies';

/**
 * The job scheduler of the receipt body purge on the maintenance queue. Every worker process sets
 * it at start and checks it every 15 s, as the sync schedulers (docs/sync.md, "What is rebuilt from
 * PostgreSQL"): one missing (Redis lost its data), at another interval or without its next run is
 * upserted (idempotent: one schedule whatever the number of processes), and it is removed when
 * retention is off, so the schedule follows the configuration of the last process that set it.
 */
@Injectable()
export class MaintenanceSchedulerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MaintenanceSchedulerService.name);
  private timer: NodeJS.Timeout | undefined;
  private asserting: Promise<void> | null = null;

  constructor(
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    @InjectQueue(QueueName.Maintenance) private readonly maintenance: Queue,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.timer = setInterval(() => void this.assertSafely(), SCHEDULER_CHECK_EVERY_MS);
    this.timer.unref();
    await this.assertSafely();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.asserting;
  }

  private async assert(): Promise<void> {
    const { bodyRetentionDays, purgeEveryMs } = this.config.intake;
    if (bodyRetentionDays === null) {
      if (await this.maintenance.getJobScheduler(PURGE_BODIES_SCHEDULER))
        await this.maintenance.removeJobScheduler(PURGE_BODIES_SCHEDULER);
      return;
    }
    if (!(await jobSchedulerNeedsUpsert(this.maintenance, PURGE_BODIES_SCHEDULER, purgeEveryMs))) return;
    await this.maintenance.upsertJobScheduler(
      PURGE_BODIES_SCHEDULER,
      { every: purgeEveryMs },
      {
        name: 'purge-receipt-bodies',
        data: {},
        opts: { removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } },
      },
    );
    this.logger.log(`receipt body purge scheduled every ${purgeEveryMs} ms`);
  }

  private async assertSafely(): Promise<void> {
    if (this.asserting) return this.asserting;
    this.asserting = this.assert()
      .catch((error: unknown) =>
        // Redis down: the process still runs; the next check sets the schedule.
        this.logger.warn(`receipt body purge not scheduled (${(error as Error).message}); again in 15 s`),
      )
      .finally(() => (this.asserting = null));
    return this.asserting;
  }
}
