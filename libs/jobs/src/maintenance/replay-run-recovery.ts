import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { type JobPayload, jobId, QueueName } from '@txng/queues';
import { type Queue } from 'bullmq';
import { conflictResolveJobId } from '../operations/bulk-conflict-resolve.service';
import { OperationsService } from '../operations/operations.service';
import { pollBackfillJobId } from '../poll/poll-backfill.service';
import { ReceiptReplay, replayReceiptsJobId } from '../operations/receipt-replay.service';
import { ReconciliationOperations } from '../reconcile/reconciliation-operation.service';

/** Injection token of the replay runs' store (libs/persistence implements it: PgReplayRepository). */
export const REPLAY_RUN_STORE = Symbol('REPLAY_RUN_STORE');

export interface ReplayRunStore {
  /** Ids of runs stored as queued or running, older than `graceSeconds`, oldest first. */
  unfinished(graceSeconds: number, limit: number): Promise<string[]>;
}

/** A replay run younger than this may still be on its way onto the queue (the API stores, then adds). */
const REPLAY_RUN_GRACE_SECONDS = 10;

/**
 * Replay runs whose job Redis lost (stored in replay_run as queued or running, no live job, or a
 * failed job the run does not know of): queued again under `replay.<runId>`, so an operator's
 * replay finishes after a Redis loss without being asked for twice. The runner resumes: receipts
 * the run already re-judged are skipped, job ids per receipt dedupe the rest. Bulk decisions and
 * poll backfills (their operations) are recovered the same way.
 */
@Injectable()
export class ReplayRunRecovery {
  private readonly logger = new Logger(ReplayRunRecovery.name);

  constructor(
    @Inject(REPLAY_RUN_STORE) private readonly runs: ReplayRunStore,
    @InjectQueue(QueueName.Maintenance) private readonly maintenance: Queue,
    @InjectQueue(QueueName.Poll) private readonly poll: Queue,
    private readonly operations: OperationsService,
    private readonly receiptReplays: ReceiptReplay,
    private readonly reconciliations: ReconciliationOperations,
  ) {}

  /** Returns how many runs were queued again (or, for reconciliations that had started, ended). */
  async requeueLost(): Promise<number> {
    let queued = 0;
    for (const runId of await this.runs.unfinished(REPLAY_RUN_GRACE_SECONDS, 100)) {
      const id = jobId('replay', runId);
      const state = await this.maintenance.getJobState(id);
      if (state === 'failed') await this.maintenance.remove(id);
      else if (state !== 'unknown') continue;
      await this.maintenance.add('replay-run', { runId } satisfies JobPayload<'maintenance', 'replay-run'>, {
        jobId: id,
      });
      queued += 1;
    }
    // Bulk decisions likewise: the operation resumes after the conflicts it already decided.
    for (const operationId of await this.operations.unfinished(
      'conflict-resolve',
      REPLAY_RUN_GRACE_SECONDS,
      100,
    )) {
      const id = conflictResolveJobId(operationId);
      const state = await this.maintenance.getJobState(id);
      if (state === 'failed') await this.maintenance.remove(id);
      else if (state !== 'unknown') continue;
      await this.maintenance.add(
        'conflict-resolve',
        { operationId } satisfies JobPayload<'maintenance', 'conflict-resolve'>,
        { jobId: id },
      );
      queued += 1;
    }
    // Poll backfills likewise, on the poll queue: the walk resumes after the last page its operation
    // counted (the position is committed with each page), so no page is stored twice.
    for (const operationId of await this.operations.unfinished(
      'poll-backfill',
      REPLAY_RUN_GRACE_SECONDS,
      100,
    )) {
      const id = pollBackfillJobId(operationId);
      const state = await this.poll.getJobState(id);
      if (state === 'failed') await this.poll.remove(id);
      else if (state !== 'unknown') continue;
      await this.poll.add('poll-backfill', { operationId } satisfies JobPayload<'poll', 'poll-backfill'>, {
        jobId: id,
      });
      queued += 1;
    }
    // Replays of chosen receipts are operations of kind `replay` without a replay_run row.
    for (const operationId of await this.operations.unfinished('replay', REPLAY_RUN_GRACE_SECONDS, 100)) {
      if (!(await this.receiptReplays.isReceiptReplay(operationId))) continue;
      const id = replayReceiptsJobId(operationId);
      const state = await this.maintenance.getJobState(id);
      if (state === 'failed') await this.maintenance.remove(id);
      else if (state !== 'unknown') continue;
      await this.maintenance.add(
        'replay-receipts',
        { operationId } satisfies JobPayload<'maintenance', 'replay-receipts'>,
        { jobId: id },
      );
      queued += 1;
    }
    if (queued > 0)
      this.logger.warn(
        `${queued} replay run(s), bulk decision(s) or poll backfill(s) had lost their job and were queued again`,
      );
    // Operators' reconciliations: queued again if they never started, ended `failed` if they had.
    return queued + (await this.reconciliations.recoverLost());
  }
}
