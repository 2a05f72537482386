import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { SOURCE_STORE, type SourceStore } from '@txng/connectors';
import { ensureJobScheduler, jobId, QueueName, ScheduleKeeper } from '@txng/queues';
import { type Queue } from 'bullmq';

const SCHEDULER_PREFIX = 'poll-source.';

/** The job scheduler id of a source's polling. */
export const pollSchedulerId = (sourceKey: string): string => jobId('poll-source', sourceKey);

/**
 * Keeps one BullMQ job scheduler per poll source in `testing` or `active`, and none for the others.
 * It re-reads the sources at every check (ScheduleKeeper: at start, every 15 s, on Redis
 * reconnection), so pausing, resuming, activating or changing the interval takes effect without a
 * restart, and a scheduler Redis lost (or whose next run is gone) is set again. Every worker
 * process runs it; the upserts are idempotent.
 */
@Injectable()
export class PollSchedulerService extends ScheduleKeeper {
  constructor(
    @Inject(SOURCE_STORE) private readonly sources: SourceStore,
    @InjectQueue(QueueName.Poll) private readonly queue: Queue,
  ) {
    super(queue, new Logger(PollSchedulerService.name), 'poll schedules');
  }

  /** Brings the schedulers in line with the sources; returns the source keys now scheduled. */
  async sync(): Promise<string[]> {
    const rows = await this.sources.polledSources();
    const wanted = new Map(
      rows.filter((r) => r.interval && r.interval > 0).map((r) => [pollSchedulerId(r.key), r]),
    );
    const existing = await this.queue.getJobSchedulers(0, -1);
    for (const [id, row] of wanted) {
      const job = { name: 'poll-source', data: { sourceKey: row.key } };
      if (await ensureJobScheduler(this.queue, id, row.interval! * 1000, job))
        this.logger.log(`polling ${row.key} every ${row.interval} s`);
    }
    for (const { key: id } of existing) {
      if (id.startsWith(SCHEDULER_PREFIX) && !wanted.has(id)) {
        await this.queue.removeJobScheduler(id);
        this.logger.log(`stopped polling ${id.slice(SCHEDULER_PREFIX.length)}`);
      }
    }
    return [...wanted.values()].map((r) => r.key);
  }

  protected async check(): Promise<void> {
    await this.sync();
  }
}
