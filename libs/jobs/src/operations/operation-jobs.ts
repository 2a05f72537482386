import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { jobId, QueueName } from '@txng/queues';
import { type JobState, type Queue } from 'bullmq';

/** Where and under which id the job of one kind of operation runs, and what it carries. */
interface OperationJobSpec {
  queue: typeof QueueName.Maintenance | typeof QueueName.Poll;
  /** Deterministic, so that queuing twice (the API racing the recovery) is one job. */
  id: (operationId: string) => string;
  data: (operationId: string) => { runId: string } | { operationId: string };
}

/** The usual job: it carries its operation's id and is named after it (`<prefix>.<operation id>`). */
const ofOperation = (queue: OperationJobSpec['queue'], prefix: string): OperationJobSpec => ({
  queue,
  id: (operationId) => jobId(prefix, operationId),
  data: (operationId) => ({ operationId }),
});

/**
 * The job that does each kind of operation's work, in one place: the API queues it through this
 * table after storing the operation, and the recovery of lost operations (the maintenance queue's
 * `requeue-lost-operations`) queues it again from the same table when Redis lost it. A replay run
 * carries its run id (the run and its operation share it); the others their operation id.
 */
export const OPERATION_JOBS = {
  /** POST /v1/admin/replay: a filter replay, stored in replay_run. */
  'replay-run': {
    queue: QueueName.Maintenance,
    id: (runId) => jobId('replay', runId),
    data: (runId) => ({ runId }),
  },
  /** POST /v1/admin/replay/receipts: chosen receipts judged again (ReceiptReplay). */
  'replay-receipts': ofOperation(QueueName.Maintenance, 'replay-receipts'),
  /** POST /v1/admin/conflicts/bulk-resolve (BulkConflictResolve). */
  'conflict-resolve': ofOperation(QueueName.Maintenance, 'conflict-resolve'),
  /** POST /v1/admin/provinces/{code}/reconciliation (ReconciliationOperations). */
  'reconcile-run': ofOperation(QueueName.Maintenance, 'reconcile'),
  /** POST /v1/admin/sources/{key}/backfill (PollBackfillService), on the poll queue. */
  'poll-backfill': ofOperation(QueueName.Poll, 'poll-backfill'),
} as const satisfies Record<string, OperationJobSpec>;

export type OperationJobName = keyof typeof OPERATION_JOBS;

/** The job id of an operation's job (of a replay run: `replay.<runId>`). */
export const operationJobId = (name: OperationJobName, operationId: string): string =>
  OPERATION_JOBS[name].id(operationId);

/** Queues, finds and removes operations' jobs by their name and operation (OPERATION_JOBS). */
@Injectable()
export class OperationJobs {
  private readonly queues: Record<OperationJobSpec['queue'], Queue>;

  constructor(
    @InjectQueue(QueueName.Maintenance) maintenance: Queue,
    @InjectQueue(QueueName.Poll) poll: Queue,
  ) {
    this.queues = { [QueueName.Maintenance]: maintenance, [QueueName.Poll]: poll };
  }

  /** Queues the operation's job; answers its id. */
  async add(name: OperationJobName, operationId: string): Promise<string> {
    const spec = OPERATION_JOBS[name];
    const id = spec.id(operationId);
    await this.queues[spec.queue].add(name, spec.data(operationId), { jobId: id });
    return id;
  }

  state(name: OperationJobName, operationId: string): Promise<JobState | 'unknown'> {
    return this.queue(name).getJobState(operationJobId(name, operationId));
  }

  /** Why the operation's job failed, when it did and BullMQ still keeps it. */
  async failedReason(name: OperationJobName, operationId: string): Promise<string | undefined> {
    return (await this.queue(name).getJob(operationJobId(name, operationId)))?.failedReason || undefined;
  }

  async remove(name: OperationJobName, operationId: string): Promise<void> {
    await this.queue(name).remove(operationJobId(name, operationId));
  }

  /**
   * Queues the job again when it is gone, or failed without its operation knowing (removed first, as
   * BullMQ keeps a failed job's id); leaves a job that is waiting, running or done alone. Answers
   * whether it queued one.
   */
  async requeueIfLost(name: OperationJobName, operationId: string): Promise<boolean> {
    const state = await this.state(name, operationId);
    if (state === 'failed') await this.remove(name, operationId);
    else if (state !== 'unknown') return false;
    await this.add(name, operationId);
    return true;
  }

  private queue(name: OperationJobName): Queue {
    return this.queues[OPERATION_JOBS[name].queue];
  }
}
