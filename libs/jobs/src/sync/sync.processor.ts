import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { isTarget, TARGETS } from './sync-target';
import { type JobPayload, jobId, QueueName, workerOptions } from '@txng/queues';
import { type Job, type Queue, UnrecoverableError } from 'bullmq';
import { type ProvinceRunResult, SyncService } from './sync.service';

type SyncJob = Job<JobPayload<'sync', 'sync-province'> | JobPayload<'sync', 'sync-tick'>>;

/** The job id of a province's sync: one waiting or running per province and target. */
export const syncJobId = (provinceCode: string, target: string): string =>
  jobId('sync-province', provinceCode, target);

/**
 * How a tick adds a per-province job (`sync-province`, `reconcile-province`): its deterministic id
 * keeps one waiting or running per province and target, removing it when done lets the next tick
 * add it again, and the next tick is its only retry.
 */
export const provinceJobOptions = (
  name: 'sync-province' | 'reconcile-province',
  provinceCode: string,
  target: string,
) => ({
  jobId: jobId(name, provinceCode, target),
  removeOnComplete: true,
  removeOnFail: true,
  attempts: 1,
});

/**
 * `sync-tick` (every SYNC_TICK_MS, from one BullMQ job scheduler) enqueues a `sync-province` job
 * for each province and target with work; deterministic ids keep it to one per province and
 * target, and `removeOnComplete` lets the next tick add it again. Portal errors never fail a job
 * (the batch is deferred in `sync_batch`); a database error does, and the next tick retries.
 */
@Processor(QueueName.Sync, workerOptions(QueueName.Sync))
export class SyncProcessor extends WorkerHost {
  private readonly logger = new Logger(SyncProcessor.name);

  constructor(
    private readonly sync: SyncService,
    @InjectQueue(QueueName.Sync) private readonly queue: Queue,
  ) {
    super();
  }

  async process(job: SyncJob): Promise<ProvinceRunResult | { enqueued: number }> {
    if (job.name === 'sync-tick') return { enqueued: await this.tick() };
    if (job.name !== 'sync-province')
      throw new UnrecoverableError(`The sync queue has no job "${job.name}".`);
    const { provinceCode, target } = job.data as JobPayload<'sync', 'sync-province'>;
    if (!/^\d{2}$/.test(provinceCode) || !isTarget(target))
      throw new UnrecoverableError(
        `sync-province needs a province code and a target, got ${JSON.stringify(job.data)}`,
      );
    const result = await this.sync.runProvince(provinceCode, target);
    if (result.batches > 0)
      this.logger.debug(
        `province ${provinceCode} → ${target}: ${result.batches} batches, ${result.records} records`,
      );
    return result;
  }

  /** Enqueues the provinces with work; returns how many jobs were added (or already waiting). */
  async tick(): Promise<number> {
    const work = await this.sync.store.provincesWithWork(TARGETS.filter((t) => !this.sync.client(t)));
    await Promise.all(
      work.map((w) =>
        this.queue.add(
          'sync-province',
          { provinceCode: w.provinceCode, target: w.target },
          provinceJobOptions('sync-province', w.provinceCode, w.target),
        ),
      ),
    );
    return work.length;
  }
}
