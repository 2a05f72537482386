import { Inject, Injectable, Logger } from '@nestjs/common';
import { type OperationJobName, OperationJobs } from '../operations/operation-jobs';
import { OperationsService } from '../operations/operations.service';
import { ReceiptReplay } from '../operations/receipt-replay.service';
import { ReconciliationOperations } from '../reconcile/reconciliation-operation.service';

/** Injection token of the replay runs' store (libs/persistence implements it: PgReplayRepository). */
export const REPLAY_RUN_STORE = Symbol('REPLAY_RUN_STORE');

export interface ReplayRunStore {
  /** Ids of runs stored as queued or running, older than `graceSeconds`, oldest first. */
  unfinished(graceSeconds: number, limit: number): Promise<string[]>;
}

/** An operation younger than this may still be on its way onto the queue (the API stores, then adds). */
const GRACE_SECONDS = 10;
/** Operations of one kind looked at per pass, oldest first. */
const PER_PASS = 100;

/** One kind of operation as the recovery sees it. */
interface LostOperationKind {
  /** The job that does its work (OPERATION_JOBS). */
  job: OperationJobName;
  /** Its operations still unfinished, older than the grace, oldest first. */
  unfinished(): Promise<string[]>;
  /** What to do instead of queuing the job again when it is gone or failed; answers whether it did anything. */
  recover?(operationId: string): Promise<boolean>;
}

/**
 * The recovery of operations whose job Redis lost (the maintenance queue's
 * `requeue-lost-operations`, every 15 s): for each kind of operation, its unfinished ones without a
 * live job (gone, or failed without the operation knowing) get their job queued again from
 * OPERATION_JOBS, so an operator's work finishes after a Redis loss without being asked for twice.
 * Each kind resumes where it stood: a replay run skips the receipts it already re-judged (job ids per
 * receipt dedupe the rest), a bulk decision the conflicts it decided, a replay of chosen receipts the
 * receipts it counted, a poll backfill walks on after the last page its operation counted (the
 * position is committed with each page). A reconciliation is not resumed half-way: one that never
 * started is queued again, one that had started is ended `failed` with what it did
 * (ReconciliationOperations.recoverLost).
 */
@Injectable()
export class LostOperationRecovery {
  private readonly logger = new Logger(LostOperationRecovery.name);
  private readonly kinds: LostOperationKind[];

  constructor(
    @Inject(REPLAY_RUN_STORE) runs: ReplayRunStore,
    private readonly jobs: OperationJobs,
    operations: OperationsService,
    receiptReplays: ReceiptReplay,
    reconciliations: ReconciliationOperations,
  ) {
    const unfinished = (kind: Parameters<OperationsService['unfinished']>[0]) => () =>
      operations.unfinished(kind, GRACE_SECONDS, PER_PASS);
    this.kinds = [
      // A filter replay's run is in replay_run (a run may be stored before its operation).
      { job: 'replay-run', unfinished: () => runs.unfinished(GRACE_SECONDS, PER_PASS) },
      { job: 'conflict-resolve', unfinished: unfinished('conflict-resolve') },
      { job: 'poll-backfill', unfinished: unfinished('poll-backfill') },
      // Replays of chosen receipts are operations of kind `replay` without a replay_run row.
      {
        job: 'replay-receipts',
        unfinished: async () => {
          const mine: string[] = [];
          for (const id of await unfinished('replay')())
            if (await receiptReplays.isReceiptReplay(id)) mine.push(id);
          return mine;
        },
      },
      {
        job: 'reconcile-run',
        unfinished: unfinished('reconciliation'),
        recover: (id) => reconciliations.recoverLost(id),
      },
    ];
  }

  /** Returns how many operations had their job queued again (or, for reconciliations that had started, were ended). */
  async requeueLost(): Promise<number> {
    let total = 0;
    const said: string[] = [];
    for (const kind of this.kinds) {
      let handled = 0;
      for (const id of await kind.unfinished()) {
        if (await (kind.recover ? kind.recover(id) : this.jobs.requeueIfLost(kind.job, id))) handled += 1;
      }
      if (handled > 0) said.push(`${handled} ${kind.job}`);
      total += handled;
    }
    if (total > 0)
      this.logger.warn(`operations whose job was lost, queued again or ended: ${said.join(', ')}`);
    return total;
  }
}
