import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { IngestMetrics } from '@txng/connectors';
import { PollRunner } from '@txng/connectors/poll';
import { type JobPayload, QueueName, workerOptions } from '@txng/queues';
import { type Job, UnrecoverableError } from 'bullmq';

type PollSourceJob = Job<JobPayload<'poll', 'poll-source'>>;

/**
 * Runs one poll of one source per 'poll-source' job. A failed run is recorded on the source (health,
 * lastError, backoff) and fails the job so queue counts show it; it is never retried, because the
 * next scheduled run is the retry.
 */
@Processor(QueueName.Poll, workerOptions(QueueName.Poll))
export class PollProcessor extends WorkerHost {
  private readonly logger = new Logger(PollProcessor.name);

  constructor(
    private readonly runner: PollRunner,
    private readonly metrics: IngestMetrics,
  ) {
    super();
  }

  async process(
    job: PollSourceJob,
  ): Promise<{ outcome: string; pages: number; items: number; reason?: string }> {
    if (job.name !== 'poll-source') throw new UnrecoverableError(`The poll queue has no job "${job.name}".`);
    const result = await this.runner.run(job.data.sourceKey);
    this.metrics.pollRun(job.data.sourceKey, result.outcome, result.items);
    if (result.outcome === 'failed') throw new UnrecoverableError(result.reason ?? 'poll run failed');
    if (result.outcome === 'skipped')
      this.logger.debug(`poll of ${job.data.sourceKey} skipped: ${result.reason}`);
    return {
      outcome: result.outcome,
      pages: result.receiptIds.length,
      items: result.items,
      reason: result.reason,
    };
  }
}
