import { Inject, Injectable } from '@nestjs/common';
import { InvalidStateError } from '@txng/common';
import { FINISHED_STATES } from '@txng/persistence';
import { type PortalTarget } from '@txng/portal-client';
import { type JobState } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { OperationJobs } from '../operations/operation-jobs';
import { OperationStarter } from '../operations/operation-starter';
import { OperationsService } from '../operations/operations.service';
import { type OperationView } from '../operations/operation-view';
import { isTarget } from '../sync/sync-target';
import { RECONCILIATION_STORE, type ReconciliationStore } from './reconciliation.port';
import { ReconciliationService } from './reconciliation.service';

/** While another run (the schedule's) holds the province, the job looks again this often… */
const LOCK_RETRY_MS = 2000;
/** …for at most this long before it gives up. */
const LOCK_WAIT_MAX_MS = 10 * 60_000;
/** Job states in which the job is still there to do its operation's work. */
const LIVE: ReadonlyArray<JobState | 'unknown'> = [
  'active',
  'waiting',
  'delayed',
  'prioritized',
  'waiting-children',
];

/** A reconciliation of the province and target is already queued or running: that one is named. */
export class ReconciliationAlreadyAsked extends InvalidStateError {
  constructor(
    readonly operationId: string,
    provinceCode: string,
    target: PortalTarget,
  ) {
    super(
      `A reconciliation of province ${provinceCode} (${target}) is already queued or running: operation ${operationId}. Follow it at GET /v1/admin/operations/${operationId}, or cancel it there first.`,
      [{ path: 'operationId', message: operationId }],
    );
  }
}

/**
 * An operator's reconciliation as an operation (docs/sync.md, "Reconciliation"; docs/adr/0006):
 * asking starts the operation and its audit entry (`reconciliation.run`) through OperationStarter,
 * its `reconcile-run` job on the maintenance queue, where the other operations run; the job does
 * ReconciliationService's work with the operation's tracker. One such operation per province and
 * target at a time. Work that stops without ending its operation — a process killed mid-run, a job
 * Redis lost — is found by the recovery of lost operations (`requeue-lost-operations`, every 15 s),
 * which hands it to `recoverLost`: one that never started is queued again;
 * one that had started is ended `failed`, saying so, and its run too. A reconciliation is not
 * resumed half-way: what it repaired stays repaired, and the next run (the operator's or the
 * schedule's) compares everything again.
 */
@Injectable()
export class ReconciliationOperations {
  constructor(
    private readonly reconciliation: ReconciliationService,
    private readonly operations: OperationsService,
    private readonly starter: OperationStarter,
    private readonly jobs: OperationJobs,
    @Inject(RECONCILIATION_STORE) private readonly store: ReconciliationStore,
  ) {}

  /** Starts the operation (OperationStarter); ReconciliationAlreadyAsked when one is unfinished. */
  async ask(provinceCode: string, target: PortalTarget, actor: string): Promise<string> {
    const operationId = randomUUID();
    const running = await this.starter.startUnlessUnfinished(
      'reconcile-run',
      { id: operationId, kind: 'reconciliation', actor, provinceCode, params: { target } },
      'target',
      {
        actor,
        action: 'reconciliation.run',
        target: `province:${provinceCode}`,
        details: { target, operationId },
      },
    );
    if (running) throw new ReconciliationAlreadyAsked(running, provinceCode, target);
    return operationId;
  }

  /**
   * The job: the reconciliation with the operation's tracker. A portal that cannot be reached ends
   * the operation `failed` with the portal's error at once (no retry: the operator sees why, and
   * the schedule reconciles again anyway). While a scheduled run holds the province, it waits.
   */
  async run(operationId: string): Promise<{ state: string; runId?: string; error?: string }> {
    const op = await this.operations.get(operationId, null);
    if (!op || FINISHED_STATES.includes(op.state)) return { state: op?.state ?? 'gone' };
    if (op.startedAt !== null) {
      // Taken again after the process running it stopped: its first run is not resumed.
      await this.endLost(op, 'the process running it stopped');
      return { state: 'failed' };
    }
    const target = op.params.target ?? 'production';
    if (!op.provinceCode || typeof target !== 'string' || !isTarget(target)) {
      await this.operations.tracker(operationId).failed(new Error(`no province or target in ${op.id}`));
      return { state: 'failed' };
    }
    const tracker = this.operations.tracker(operationId);
    for (let waited = 0; ; waited += LOCK_RETRY_MS) {
      try {
        const run = await this.reconciliation.run(op.provinceCode, target, 'operator', op.actor, tracker);
        if (run) return { state: run.error?.startsWith('cancelled') ? 'cancelled' : 'done', runId: run.id };
      } catch (error) {
        // Stored on the run and the operation already when it came from the work; recorded here
        // when it came before (a no-op once the operation has ended).
        await tracker.failed(error);
        return { state: 'failed', error: (error as Error).message };
      }
      const now = await this.operations.get(operationId, null);
      if (!now || FINISHED_STATES.includes(now.state)) return { state: now?.state ?? 'gone' };
      if (waited >= LOCK_WAIT_MAX_MS) {
        const error = `another reconciliation of province ${op.provinceCode} (${target}) held it for ${Math.round(waited / 1000)} s; ask again later`;
        await tracker.failed(new Error(error));
        return { state: 'failed', error };
      }
      await sleep(LOCK_RETRY_MS);
    }
  }

  /**
   * An unfinished operation whose work may no longer be anywhere, as the recovery of lost operations
   * finds it: with a live job it is left alone; else queued again when it never started, ended when
   * it had. Answers whether it did either.
   */
  async recoverLost(operationId: string): Promise<boolean> {
    const state = await this.jobs.state('reconcile-run', operationId);
    if (LIVE.includes(state)) return false;
    const op = await this.operations.get(operationId, null);
    if (!op || FINISHED_STATES.includes(op.state)) return false; // ended meanwhile
    if (op.startedAt === null && op.state === 'queued') {
      if (state !== 'unknown') await this.jobs.remove('reconcile-run', operationId);
      await this.jobs.add('reconcile-run', operationId);
    } else {
      const reason =
        state === 'failed' ? await this.jobs.failedReason('reconcile-run', operationId) : undefined;
      await this.endLost(
        op,
        reason
          ? `its job failed (${reason})`
          : 'its job was lost (Redis lost its data, or the process running it stopped)',
      );
    }
    return true;
  }

  /** Ends an operation whose work stopped half-way (cancelled if a cancel was asked), and its run. */
  private async endLost(op: OperationView, why: string): Promise<void> {
    const tracker = this.operations.tracker(op.id);
    const error = `${why} after ${op.done} of ${op.total ?? '?'} keys; what it repaired stays repaired; ask for a new reconciliation`;
    if (op.state === 'cancelling') await tracker.cancelled();
    else await tracker.failed(new Error(error));
    await this.store.endRunOfOperation(op.id, op.state === 'cancelling' ? `cancelled: ${why}` : error);
  }
}
