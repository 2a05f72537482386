import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import { HUB_CONFIG, type HubConfig } from '@txng/common';
import { type PurgeRun, ReceiptBodyRetention } from '@txng/connectors';
import { QueueName, workerOptions } from '@txng/queues';
import { type Job, UnrecoverableError } from 'bullmq';

/**
 * The maintenance queue's one processor: every job name of that queue is handled here, so that no
 * second worker of the queue takes (and refuses) jobs meant for this one.
 *
 * `purge-receipt-bodies` (scheduled every RECEIPT_BODY_PURGE_EVERY_MS): raw bodies of finished
 * receipts older than RECEIPT_BODY_RETENTION_DAYS, in bounded batches (docs/pipeline.md, "Retention").
 */
@Processor(QueueName.Maintenance, workerOptions(QueueName.Maintenance))
export class MaintenanceProcessor extends WorkerHost {
  constructor(
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    private readonly retention: ReceiptBodyRetention,
  ) {
    super();
  }

  async process(job: Job): Promise<PurgeRun | { skipped: string }> {
    if (job.name === 'purge-receipt-bodies') {
      const { bodyRetentionDays, purgeBatchSize } = this.config.intake;
      // A schedule left by a process configured otherwise: this process keeps bodies.
      if (bodyRetentionDays === null) return { skipped: 'RECEIPT_BODY_RETENTION_DAYS is off' };
      return this.retention.purgeExpired(bodyRetentionDays, purgeBatchSize);
    }
    throw new UnrecoverableError(`The maintenance queue has no job "${job.name}".`);
  }
}
