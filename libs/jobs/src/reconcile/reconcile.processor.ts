import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { type JobPayload, QueueName, workerOptions } from '@txng/queues';
import { type Job, type Queue, UnrecoverableError } from 'bullmq';
import { provinceJobOptions } from '../sync/sync.processor';
import { isTarget } from '../sync/sync-target';
import { ReconciliationService } from './reconciliation.service';

type ReconcileJob = Job<
  JobPayload<'reconcile', 'reconcile-province'> | JobPayload<'reconcile', 'reconcile-tick'>
>;

/**
 * `reconcile-tick` (every RECONCILE_EVERY_MS) enqueues one `reconcile-province` per province and
 * target the hub has synced to; the sync asks for one when the portal answers stale or VERSION_GAP.
 * A run that cannot reach the portal fails its job (stored on the run); the next tick is the retry.
 */
@Processor(QueueName.Reconcile, workerOptions(QueueName.Reconcile))
export class ReconcileProcessor extends WorkerHost {
  private readonly logger = new Logger(ReconcileProcessor.name);

  constructor(
    private readonly reconciliation: ReconciliationService,
    @InjectQueue(QueueName.Reconcile) private readonly queue: Queue,
  ) {
    super();
  }

  async process(job: ReconcileJob): Promise<unknown> {
    if (job.name === 'reconcile-tick') {
      const pairs = await this.reconciliation.syncedProvinces();
      for (const p of pairs) {
        await this.queue.add(
          'reconcile-province',
          { provinceCode: p.provinceCode, target: p.target, trigger: 'schedule' },
          provinceJobOptions('reconcile-province', p.provinceCode, p.target),
        );
      }
      return { enqueued: pairs.length };
    }
    if (job.name !== 'reconcile-province')
      throw new UnrecoverableError(`The reconcile queue has no job "${job.name}".`);
    const data = job.data as JobPayload<'reconcile', 'reconcile-province'>;
    const target = data.target ?? 'production';
    if (!/^\d{2}$/.test(data.provinceCode) || !isTarget(target))
      throw new UnrecoverableError(`reconcile-province needs a province code, got ${JSON.stringify(data)}`);
    const run = await this.reconciliation.run(data.provinceCode, target, data.trigger ?? 'schedule');
    if (!run) {
      this.logger.debug(`reconciliation of ${data.provinceCode} (${target}) already running; skipped`);
      return { skipped: true };
    }
    return { runId: run.id, agreed: run.agreed, differing: run.differing.length, repaired: run.repaired };
  }
}
