import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { HUB_CONFIG, type HubConfig } from '@txng/common';
import { type PurgeRun, ReceiptBodyRetention, ReceiptsService, type SweepResult } from '@txng/connectors';
import { PgReplayRepository } from '@txng/persistence';
import { type ReplayProgress, ReplayRunner, type ReplayStore } from '@txng/pipeline';
import { type JobPayload, jobId, QueueName, workerOptions } from '@txng/queues';
import { type Job, type Queue, UnrecoverableError } from 'bullmq';
import { setTimeout as sleep } from 'node:timers/promises';
import { type DataSource } from 'typeorm';
import { BulkConflictResolve } from '../operations/bulk-conflict-resolve.service';
import { OperationsService } from '../operations/operations.service';
import { ReceiptReplay } from '../operations/receipt-replay.service';
import { ReconciliationOperations } from '../reconcile/reconciliation-operation.service';
import { ActivityRollupService } from './activity-rollup.service';
import { LostOperationRecovery } from './lost-operation-recovery';

/** The scheduled jobs carry no data; `replay-run` names its run. */
type MaintenanceJob = Job<
  | JobPayload<'maintenance', 'sweep-receipts'>
  | JobPayload<'maintenance', 'replay-run'>
  | JobPayload<'maintenance', 'conflict-resolve'>
  | JobPayload<'maintenance', 'replay-receipts'>
  | JobPayload<'maintenance', 'reconcile-run'>
>;

/**
 * The maintenance queue's one processor: every job name of that queue is handled here, so that no
 * second worker of the queue takes (and refuses) jobs meant for this one.
 *
 * - `sweep-receipts` (scheduled every 10 s): receipts never queued, whose ingest job is lost or
 *   failed, or whose held-back records nobody re-checks, queued (again) (docs/pipeline.md, "What is
 *   rebuilt from PostgreSQL").
 * - `requeue-lost-operations` (scheduled every 15 s; `requeue-replay-runs`, its former name, too):
 *   operators' operations whose job Redis lost, queued again (a reconciliation that had started is
 *   ended) (LostOperationRecovery).
 * - `activity-rollup` (scheduled every ACTIVITY_ROLLUP_EVERY_MS): the last minutes counted for the
 *   operators' charts and the queues' depth kept (docs/adr/0005-activity-minutes.md).
 * - `purge-receipt-bodies` (scheduled every RECEIPT_BODY_PURGE_EVERY_MS): raw bodies of finished
 *   receipts older than RECEIPT_BODY_RETENTION_DAYS, in bounded batches (docs/pipeline.md, "Retention").
 * - `replay-run` (POST /v1/admin/replay): the stored run, batch by batch (OPERATION_BATCH, a pause of
 *   OPERATION_PAUSE_MS between batches), its progress in replay_run, in its operation and in the
 *   job's progress; a cancel of the operation stops it between two batches (docs/pipeline.md,
 *   "Replay"; docs/operations.md, "Long work").
 * - `conflict-resolve` (POST /v1/admin/conflicts/bulk-resolve): one decision over the open conflicts
 *   of one kind, conflict by conflict, as an operation (BulkConflictResolve).
 * - `replay-receipts` (POST /v1/admin/replay/receipts): chosen receipts of one source judged again
 *   with its current mapping, batch by batch, as an operation (ReceiptReplay).
 * - `reconcile-run` (POST /v1/admin/provinces/{code}/reconciliation): an operator's reconciliation
 *   as an operation, key by key (ReconciliationOperations; docs/sync.md, "Reconciliation").
 */
@Processor(QueueName.Maintenance, workerOptions(QueueName.Maintenance))
export class MaintenanceProcessor extends WorkerHost {
  private readonly replays: ReplayRunner;

  constructor(
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    private readonly retention: ReceiptBodyRetention,
    private readonly receipts: ReceiptsService,
    private readonly lostOperations: LostOperationRecovery,
    private readonly activity: ActivityRollupService,
    private readonly operations: OperationsService,
    private readonly bulkDecisions: BulkConflictResolve,
    private readonly receiptReplays: ReceiptReplay,
    private readonly reconciliations: ReconciliationOperations,
    @InjectDataSource() dataSource: DataSource,
    @InjectQueue(QueueName.Ingest) ingest: Queue,
  ) {
    super();
    const store: ReplayStore = new PgReplayRepository(dataSource);
    this.replays = new ReplayRunner(
      store,
      async (run, receiptIds) => {
        const replay = { runId: run.runId, status: run.status, kind: run.kind };
        await ingest.addBulk(
          receiptIds.map((receiptId) => ({
            name: 'process-receipt',
            data: { receiptId, replay } satisfies JobPayload<'ingest', 'process-receipt'>,
            // Deterministic per run and receipt: a receipt met twice in a run is one job.
            opts: { jobId: jobId('replay', run.runId, receiptId) },
          })),
        );
      },
      config.intake.operationBatch,
    );
  }

  async process(
    job: MaintenanceJob,
  ): Promise<
    | SweepResult
    | { requeued: number }
    | PurgeRun
    | ReplayProgress
    | { skipped: string }
    | { minutes: number }
    | { state: string }
    | { state: string; runId?: string; error?: string }
  > {
    if (job.name === 'sweep-receipts') return this.receipts.sweepAll();
    // The former name: jobs its scheduler queued before it was removed still come.
    if (job.name === 'requeue-lost-operations' || job.name === 'requeue-replay-runs')
      return { requeued: await this.lostOperations.requeueLost() };
    if (job.name === 'activity-rollup') return { minutes: await this.activity.runOnce() };
    if (job.name === 'purge-receipt-bodies') {
      const { bodyRetentionDays, purgeBatchSize } = this.config.intake;
      // A schedule left by a process configured otherwise: this process keeps bodies.
      if (bodyRetentionDays === null) return { skipped: 'RECEIPT_BODY_RETENTION_DAYS is off' };
      return this.retention.purgeExpired(bodyRetentionDays, purgeBatchSize);
    }
    if (job.name === 'replay-run') {
      const { runId } = job.data as JobPayload<'maintenance', 'replay-run'>;
      if (typeof runId !== 'string')
        throw new UnrecoverableError(`replay-run needs a runId, got ${JSON.stringify(job.data)}`);
      return this.replay(job, runId);
    }
    if (job.name === 'conflict-resolve') {
      const { operationId } = job.data as JobPayload<'maintenance', 'conflict-resolve'>;
      if (typeof operationId !== 'string')
        throw new UnrecoverableError(
          `conflict-resolve needs an operationId, got ${JSON.stringify(job.data)}`,
        );
      return this.bulkDecisions.run(operationId);
    }
    if (job.name === 'replay-receipts') {
      const { operationId } = job.data as JobPayload<'maintenance', 'replay-receipts'>;
      if (typeof operationId !== 'string')
        throw new UnrecoverableError(`replay-receipts needs an operationId, got ${JSON.stringify(job.data)}`);
      return this.receiptReplays.run(operationId);
    }
    if (job.name === 'reconcile-run') {
      const { operationId } = job.data as JobPayload<'maintenance', 'reconcile-run'>;
      if (typeof operationId !== 'string')
        throw new UnrecoverableError(`reconcile-run needs an operationId, got ${JSON.stringify(job.data)}`);
      return this.reconciliations.run(operationId);
    }
    throw new UnrecoverableError(`The maintenance queue has no job "${job.name}".`);
  }

  /**
   * A replay run as an operation: done counts receipts queued (quarantined, rejected) or versions
   * handled (failed), from the run's own cumulative progress, so a run resumed after a crash counts
   * on from where its operation stood.
   */
  private async replay(job: MaintenanceJob, runId: string): Promise<ReplayProgress | { skipped: string }> {
    await this.operations.adoptReplayRun(runId);
    const tracker = this.operations.tracker(runId);
    const pause = this.config.intake.operationPauseMs;
    const outcome = await tracker.run(async (op) => {
      let counted = op.done;
      const progress = await this.replays.run(runId, async (p) => {
        await job.updateProgress({ ...p });
        const handled = p.receiptsQueued + p.versionsRequeued + p.outdatedKept;
        await tracker.advance(handled - counted);
        counted = handled;
        if (pause > 0) await sleep(pause);
      });
      return { ...progress };
    });
    if (outcome.state === 'done') return outcome.result as unknown as ReplayProgress;
    return { skipped: outcome.state === 'cancelled' ? 'cancelled' : 'ended before it started' };
  }
}
