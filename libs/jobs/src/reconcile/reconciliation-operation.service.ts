import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InvalidStateError } from '@txng/common';
import { AuditService, FINISHED_STATES } from '@txng/persistence';
import { type PortalTarget } from '@txng/portal-client';
import { type JobPayload, jobId, QueueName } from '@txng/queues';
import { type JobState, type Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { OperationsService } from '../operations/operations.service';
import { type OperationView } from '../operations/operation-view';
import { isTarget } from '../sync/sync-target';
import { RECONCILIATION_STORE, type ReconciliationStore } from './reconciliation.port';
import { ReconciliationService } from './reconciliation.service';

/** The job id of an operator's reconciliation: one job per operation. */
export const reconcileRunJobId = (operationId: string): string => jobId('reconcile', operationId);

/** An operation younger than this may still be on its way onto the queue (stored, then added). */
const GRACE_SECONDS = 10;
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
 * asking stores the operation and its audit entry (`reconciliation.run`) in one transaction and
 * queues a `reconcile-run` job on the maintenance queue, where the other operations run; the job
 * does ReconciliationService's work with the operation's tracker. One such operation per province
 * and target at a time. Work that stops without ending its operation — a process killed mid-run, a
 * job Redis lost — is found by `recoverLost` (every 15 s): one that never started is queued again;
 * one that had started is ended `failed`, saying so, and its run too. A reconciliation is not
 * resumed half-way: what it repaired stays repaired, and the next run (the operator's or the
 * schedule's) compares everything again.
 */
@Injectable()
export class ReconciliationOperations {
  private readonly logger = new Logger(ReconciliationOperations.name);

  constructor(
    private readonly reconciliation: ReconciliationService,
    private readonly operations: OperationsService,
    private readonly audit: AuditService,
    @Inject(RECONCILIATION_STORE) private readonly store: ReconciliationStore,
    @InjectQueue(QueueName.Maintenance) private readonly maintenance: Queue,
  ) {}

  /** Stores, audits and queues the operation; ReconciliationAlreadyAsked when one is unfinished. */
  async ask(provinceCode: string, target: PortalTarget, actor: string): Promise<string> {
    const operationId = randomUUID();
    const running = await this.operations.createUnlessUnfinished(
      { id: operationId, kind: 'reconciliation', actor, provinceCode, params: { target } },
      'target',
      (m) =>
        this.audit.record(
          {
            actor,
            action: 'reconciliation.run',
            target: `province:${provinceCode}`,
            details: { target, operationId },
          },
          m,
        ),
    );
    if (running) throw new ReconciliationAlreadyAsked(running, provinceCode, target);
    try {
      await this.queue(operationId);
    } catch (error) {
      // Stored but not queued: recoverLost queues it within seconds.
      this.logger.warn(`reconciliation ${operationId} stored but not queued: ${(error as Error).message}`);
    }
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
   * Operations whose work is no longer anywhere (no live job, older than a few seconds): queued
   * again when they never started, ended when they had. Returns how many were handled.
   */
  async recoverLost(): Promise<number> {
    let handled = 0;
    for (const id of await this.operations.unfinished('reconciliation', GRACE_SECONDS, 100)) {
      const jobId = reconcileRunJobId(id);
      const state = await this.maintenance.getJobState(jobId);
      if (LIVE.includes(state)) continue;
      const op = await this.operations.get(id, null);
      if (!op || FINISHED_STATES.includes(op.state)) continue; // ended meanwhile
      if (op.startedAt === null && op.state === 'queued') {
        if (state !== 'unknown') await this.maintenance.remove(jobId);
        await this.queue(id);
      } else {
        const job = state === 'failed' ? await this.maintenance.getJob(jobId) : undefined;
        await this.endLost(
          op,
          job?.failedReason
            ? `its job failed (${job.failedReason})`
            : 'its job was lost (Redis lost its data, or the process running it stopped)',
        );
      }
      handled += 1;
    }
    if (handled > 0)
      this.logger.warn(`${handled} reconciliation(s) had lost their job: queued again or ended`);
    return handled;
  }

  private async queue(operationId: string): Promise<void> {
    await this.maintenance.add(
      'reconcile-run',
      { operationId } satisfies JobPayload<'maintenance', 'reconcile-run'>,
      { jobId: reconcileRunJobId(operationId) },
    );
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
