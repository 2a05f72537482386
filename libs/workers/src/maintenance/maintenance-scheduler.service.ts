import { InjectQueue } from '@nestjs/bullmq';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { HUB_CONFIG, type HubConfig } from '@txng/common';
import {
  type JobPayload,
  jobId,
  jobSchedulerNeedsUpsert,
  QueueName,
  SCHEDULER_CHECK_EVERY_MS,
} from '@txng/queues';
import { type Queue } from 'bullmq';
import { type DataSource } from 'typeorm';

export const PURGE_BODIES_SCHEDULER = 'purge-receipt-bodies';

/** A replay run younger than this may still be on its way onto the queue (the API stores, then adds). */
const REPLAY_RUN_GRACE_SECONDS = 10;

/**
 * The job scheduler of the receipt body purge on the maintenance queue, and the replay runs whose
 * job Redis lost (stored in replay_run as queued or running, no live job): queued again on the same
 * check, so an operator's replay finishes after a Redis loss without being asked for twice.
 *
 * The purge's job scheduler: every worker process sets
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
    @InjectDataSource() private readonly dataSource: DataSource,
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
    await this.assertPurgeSchedule();
    await this.requeueLostReplayRuns();
  }

  /** Runs stored as queued or running whose job is gone, or failed without the run saying so. */
  async requeueLostReplayRuns(): Promise<number> {
    const runs: Array<{ id: string }> = await this.dataSource.query(
      `SELECT id::text FROM replay_run
        WHERE state IN ('queued', 'running') AND created_at < now() - make_interval(secs => $1)
        ORDER BY created_at LIMIT 100`,
      [REPLAY_RUN_GRACE_SECONDS],
    );
    let queued = 0;
    for (const { id: runId } of runs) {
      const id = jobId('replay', runId);
      const state = await this.maintenance.getJobState(id);
      if (state === 'failed') await this.maintenance.remove(id);
      else if (state !== 'unknown') continue;
      // The runner resumes: receipts this run already re-judged are skipped, job ids per receipt dedupe the rest.
      await this.maintenance.add('replay-run', { runId } satisfies JobPayload<'maintenance', 'replay-run'>, {
        jobId: id,
      });
      queued += 1;
    }
    if (queued > 0) this.logger.warn(`${queued} replay run(s) had lost their job and were queued again`);
    return queued;
  }

  private async assertPurgeSchedule(): Promise<void> {
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
        this.logger.warn(`maintenance check failed (${(error as Error).message}); again in 15 s`),
      )
      .finally(() => (this.asserting = null));
    return this.asserting;
  }
}
