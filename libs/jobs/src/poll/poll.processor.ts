import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { IngestMetrics } from '@txng/connectors';
import { PollRunner } from '@txng/connectors/poll';
import { type JobPayload, QueueName, workerOptions } from '@txng/queues';
import { type Job, UnrecoverableError } from 'bullmq';
import { PollBackfillService } from './poll-backfill.service';

type PollSourceJob = Job<JobPayload<'poll', 'poll-source'> | JobPayload<'poll', 'poll-backfill'>>;

/**
 * The poll queue's one processor.
 * - `poll-source`: one poll of one source. A failed run is recorded on the source (health,
 *   lastError, backoff) and fails the job so queue counts show it; it is never retried, because the
 *   next scheduled run is the retry.
 * - `poll-backfill`: a source's history as an operation (PollBackfillService); it retries temporary
 *   failures itself, and ends its operation failed on a permanent one.
 */
@Processor(QueueName.Poll, workerOptions(QueueName.Poll))
export class PollProcessor extends WorkerHost {
  private readonly logger = new Logger(PollProcessor.name);

  constructor(
    private readonly runner: PollRunner,
    private readonly metrics: IngestMetrics,
    private readonly backfills: PollBackfillService,
  ) {
    super();
  }

  async process(
    job: PollSourceJob,
  ): Promise<{ outcome: string; pages: number; items: number; reason?: string } | { state: string }> {
    if (job.name === 'poll-backfill') {
      const { operationId } = job.data as JobPayload<'poll', 'poll-backfill'>;
      if (typeof operationId !== 'string')
        throw new UnrecoverableError(`poll-backfill needs an operationId, got ${JSON.stringify(job.data)}`);
      try {
        return await this.backfills.run(operationId);
      } catch (error) {
        // Its operation already says why; the job is not tried again (a lost one is queued again).
        throw new UnrecoverableError((error as Error).message);
      }
    }
    if (job.name !== 'poll-source') throw new UnrecoverableError(`The poll queue has no job "${job.name}".`);
    const { sourceKey } = job.data as JobPayload<'poll', 'poll-source'>;
    const result = await this.runner.run(sourceKey);
    this.metrics.pollRun(sourceKey, result.outcome, result.items);
    if (result.outcome === 'failed') throw new UnrecoverableError(result.reason ?? 'poll run failed');
    if (result.outcome === 'skipped') this.logger.debug(`poll of ${sourceKey} skipped: ${result.reason}`);
    return {
      outcome: result.outcome,
      pages: result.receiptIds.length,
      items: result.items,
      reason: result.reason,
    };
  }
}
