import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { HUB_CONFIG, type HubConfig } from '@txng/common';
import { PgReceiptReplay } from '@txng/persistence';
import { type JobPayload, jobId, QueueName } from '@txng/queues';
import { type Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type DataSource } from 'typeorm';
import { OperationStarter } from './operation-starter';
import { OperationsService } from './operations.service';

/** At most this many receipts in one replay of chosen receipts. */
export const REPLAY_RECEIPTS_MAX = 1000;

export interface ReceiptReplayRequest {
  sourceKey: string;
  provinceCode: string;
  /** Receipts of the source, checked by the caller; duplicates are taken once. */
  receiptIds: readonly string[];
  /** The mapping version in force when it was asked for (for the audit and the operation's params). */
  mappingVersion: number | null;
  actor: string;
}

/** What the operation stores as its params. */
interface ReceiptReplayParams {
  mode: 'receipts';
  sourceKey: string;
  receiptIds: string[];
  mappingVersion: number | null;
}

/** How often the run looks whether its batch's receipts are judged, and how often at most it checks for a cancel meanwhile. */
const WAIT_POLL_MS = 200;
const CANCEL_CHECK_MS = 1000;

/**
 * A replay of chosen receipts (docs/pipeline.md, "Replay of chosen receipts"): after a mapping
 * change, exactly the receipts its trial found affected are judged again from their stored body with
 * the source's current mapping version, as one operation of kind `replay`. Asking starts the
 * operation and its audit entry (`records.replay-receipts`) through OperationStarter.
 *
 * The job takes the receipts in the order the hub stored them, OPERATION_BATCH at a time: each
 * batch's receipts go on the ingest queue as replay jobs (`all` items: every item but open conflicts
 * and operator-rejected arrivals is released and judged again through the normal pipeline), and the
 * run waits until they are judged before it counts the batch, pauses OPERATION_PAUSE_MS and checks
 * for a cancel. Done counts receipts judged; failed those whose job failed or whose body was purged.
 * A run resumed after a crash skips the receipts it already counted; job ids per run and receipt,
 * and links the run wrote itself, make nothing judged twice.
 */
@Injectable()
export class ReceiptReplay {
  private readonly receipts: PgReceiptReplay;

  constructor(
    @InjectDataSource() dataSource: DataSource,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    private readonly operations: OperationsService,
    private readonly starter: OperationStarter,
    @InjectQueue(QueueName.Ingest) private readonly ingest: Queue,
  ) {
    this.receipts = new PgReceiptReplay(dataSource);
  }

  /** The ids, of those given, that are not receipts of the source. */
  notOfSource(sourceKey: string, ids: readonly string[]): Promise<string[]> {
    return this.receipts.notOfSource(sourceKey, ids);
  }

  async ask(req: ReceiptReplayRequest): Promise<{ operationId: string; receipts: number; jobId: string }> {
    const operationId = randomUUID();
    const receiptIds = [...new Set(req.receiptIds.map((id) => id.toLowerCase()))];
    const params: ReceiptReplayParams = {
      mode: 'receipts',
      sourceKey: req.sourceKey,
      receiptIds,
      mappingVersion: req.mappingVersion,
    };
    const id = await this.starter.start(
      'replay-receipts',
      {
        id: operationId,
        kind: 'replay',
        actor: req.actor,
        provinceCode: req.provinceCode,
        sourceKey: req.sourceKey,
        params: { ...params },
        total: receiptIds.length,
      },
      {
        actor: req.actor,
        action: 'records.replay-receipts',
        target: operationId,
        details: {
          sourceKey: req.sourceKey,
          mappingVersion: req.mappingVersion,
          receipts: receiptIds.length,
        },
      },
    );
    return { operationId, receipts: receiptIds.length, jobId: id };
  }

  /** Whether an operation is a replay of chosen receipts (the recovery of lost operations asks). */
  async isReceiptReplay(operationId: string): Promise<boolean> {
    const op = await this.operations.get(operationId, null);
    return op?.params?.mode === 'receipts';
  }

  /** Does the operation, batch by batch, until done or cancelled. */
  async run(operationId: string): Promise<{ state: string }> {
    const tracker = this.operations.tracker(operationId);
    const { operationBatch, operationPauseMs } = this.config.intake;
    const outcome = await tracker.run(async (op) => {
      const p = op.params as unknown as ReceiptReplayParams;
      const all = await this.receipts.inArrivalOrder(p.receiptIds);
      // A run resumed after a crash goes on after what its operation already counted.
      const todo = all.slice(op.done + op.failed);
      let judged = 0;
      let failed = 0;
      const expired: string[] = [];
      for (let start = 0; start < todo.length; start += operationBatch) {
        if (start > 0 && operationPauseMs > 0) await sleep(operationPauseMs);
        const batch = todo.slice(start, start + operationBatch);
        const readable = batch.filter((r) => !r.expired);
        expired.push(...batch.filter((r) => r.expired).map((r) => r.id));
        await this.ingest.addBulk(
          readable.map((r) => ({
            name: 'process-receipt',
            data: {
              receiptId: r.id,
              replay: { runId: operationId, status: 'all' },
            } satisfies JobPayload<'ingest', 'process-receipt'>,
            opts: { jobId: jobId('replay', operationId, r.id) },
          })),
        );
        const jobFailed = await this.judged(
          tracker,
          readable.map((r) => jobId('replay', operationId, r.id)),
        );
        judged += readable.length - jobFailed;
        failed += jobFailed + (batch.length - readable.length);
        await tracker.advance(readable.length - jobFailed, jobFailed + (batch.length - readable.length));
      }
      return {
        receipts: all.length,
        judged,
        failed,
        expired,
        outcomes: await this.receipts.outcomes(operationId, p.receiptIds),
      };
    });
    return { state: outcome.state };
  }

  /**
   * Waits until every job is completed or failed (a job BullMQ already removed counts as completed);
   * answers how many failed. A cancel asked for meanwhile stops the wait: the receipts queued are
   * judged all the same, nothing more is queued.
   */
  private async judged(tracker: ReturnType<OperationsService['tracker']>, ids: string[]): Promise<number> {
    let pending = ids;
    let failed = 0;
    let checked = Date.now();
    while (pending.length > 0) {
      const states = await Promise.all(pending.map((id) => this.ingest.getJobState(id)));
      failed += states.filter((s) => s === 'failed').length;
      pending = pending.filter((_, i) => !['completed', 'failed', 'unknown'].includes(states[i]));
      if (pending.length === 0) break;
      if (Date.now() - checked >= CANCEL_CHECK_MS) {
        await tracker.checkpoint();
        checked = Date.now();
      }
      await sleep(WAIT_POLL_MS);
    }
    return failed;
  }
}
