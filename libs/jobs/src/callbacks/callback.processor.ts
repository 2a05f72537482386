import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { CallbacksService } from '@txng/connectors';
import { type JobPayload, QueueName, workerOptions } from '@txng/queues';
import { type Job, UnrecoverableError } from 'bullmq';

/**
 * One attempt of a signed callback per job. The retry schedule is the delivery row's, not
 * BullMQ's: the service records the attempt and queues the next one as a delayed job.
 */
@Processor(QueueName.Callbacks, workerOptions(QueueName.Callbacks))
export class CallbackProcessor extends WorkerHost {
  private readonly logger = new Logger(CallbackProcessor.name);

  constructor(private readonly callbacks: CallbacksService) {
    super();
  }

  async process(job: Job<JobPayload<'callbacks', 'deliver-callback'>>): Promise<string> {
    if (job.name !== 'deliver-callback')
      throw new UnrecoverableError(`The callbacks queue has no job "${job.name}".`);
    try {
      return await this.callbacks.deliver(job.data.deliveryId, job.data.attempts);
    } catch (error) {
      // The delivery stays pending; its claim lapses and the scan queues it again.
      this.logger.warn(`callback ${job.data.deliveryId}: attempt not made (${(error as Error).message})`);
      throw error;
    }
  }
}
