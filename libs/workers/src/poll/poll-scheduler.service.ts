import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { jobId, jobSchedulerNeedsUpsert, QueueName } from '@txng/queues';
import { type Queue } from 'bullmq';
import { type DataSource } from 'typeorm';

export const POLL_SCHEDULE_SYNC_MS = 15_000;
const SCHEDULER_PREFIX = 'poll-source.';

/** The job scheduler id of a source's polling. */
export const pollSchedulerId = (sourceKey: string): string => jobId('poll-source', sourceKey);

/**
 * Keeps one BullMQ job scheduler per poll source in `testing` or `active`, and none for the others.
 * It re-reads the sources every 15 s, so pausing, resuming, activating or changing the interval
 * takes effect without a restart, and a scheduler Redis lost (or whose next run is gone) is set
 * again. Every worker process runs it; the upserts are idempotent.
 */
@Injectable()
export class PollSchedulerService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(PollSchedulerService.name);
  private timer: NodeJS.Timeout | null = null;
  private syncing: Promise<void> | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue(QueueName.Poll) private readonly queue: Queue,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.syncSafely();
    this.timer = setInterval(() => void this.syncSafely(), POLL_SCHEDULE_SYNC_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.syncing;
  }

  /** Brings the schedulers in line with the sources; returns the source keys now scheduled. */
  async sync(): Promise<string[]> {
    const rows: Array<{ key: string; interval: number | null }> = await this.dataSource.query(
      `SELECT key, (poll->>'intervalSeconds')::int AS interval FROM source
       WHERE kind = 'poll' AND deleted_at IS NULL AND stage IN ('testing', 'active') AND poll IS NOT NULL`,
    );
    const wanted = new Map(
      rows.filter((r) => r.interval && r.interval > 0).map((r) => [pollSchedulerId(r.key), r]),
    );
    const existing = await this.queue.getJobSchedulers(0, -1);
    const current = new Map(existing.map((s) => [s.key, s]));
    for (const [id, row] of wanted) {
      const every = row.interval! * 1000;
      if (!(await jobSchedulerNeedsUpsert(this.queue, id, every))) continue;
      await this.queue.upsertJobScheduler(
        id,
        { every },
        { name: 'poll-source', data: { sourceKey: row.key } },
      );
      this.logger.log(`polling ${row.key} every ${row.interval} s`);
    }
    for (const id of current.keys()) {
      if (id.startsWith(SCHEDULER_PREFIX) && !wanted.has(id)) {
        await this.queue.removeJobScheduler(id);
        this.logger.log(`stopped polling ${id.slice(SCHEDULER_PREFIX.length)}`);
      }
    }
    return [...wanted.values()].map((r) => r.key);
  }

  private async syncSafely(): Promise<void> {
    if (this.syncing) return;
    this.syncing = this.sync()
      .then(() => undefined)
      .catch((error: unknown) =>
        this.logger.warn(`poll schedules not synced (${(error as Error).message}); retrying in 15 s`),
      )
      .finally(() => (this.syncing = null));
    await this.syncing;
  }
}
