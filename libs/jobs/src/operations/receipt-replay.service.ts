import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { HUB_CONFIG, type HubConfig } from '@txng/common';
import { type OperationRow, PgReceiptReplay } from '@txng/persistence';
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
/** After this long with no receipt of the batch ended, BullMQ is asked about the jobs still pending. */
const QUIET_MS = 30_000;

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

  /** Does the operation, batch by batch, until done or cancelled; then drops its receipts' ends. */
  async run(operationId: string): Promise<{ state: string }> {
    const tracker = this.operations.tracker(operationId);
    // 'skipped': another job runs the operation, and its ends are still being read.
    let state = 'failed';
    try {
      state = (await tracker.run((op) => this.replayAll(tracker, operationId, op))).state;
      return { state };
    } finally {
      // The counts and outcomes are in the operation now: the ends are not read again. One that
      // cannot be dropped (PostgreSQL gone) is a small row left behind, not a reason to fail.
      if (state !== 'skipped') await this.receipts.forgetEnds(operationId).catch(() => undefined);
    }
  }

  private async replayAll(
    tracker: ReturnType<OperationsService['tracker']>,
    operationId: string,
    op: OperationRow,
  ): Promise<Record<string, unknown>> {
    const { operationBatch, operationPauseMs } = this.config.intake;
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
        operationId,
        readable.map((r) => r.id),
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
  }

  /**
   * Waits until every receipt of the batch is judged or its job failed for good, and answers how
   * many failed. Each poll is one query of the batch's ends in PostgreSQL (`replay_receipt_end`,
   * which the ingest job writes: IngestProcessor.replayChosen). Only when no receipt has ended for
   * QUIET_MS does it ask BullMQ about the jobs still pending, for an end PostgreSQL was not told: a
   * job the stall check failed without running it (failed), or one Redis lost or removed, or one
   * completed by a worker that wrote no end (judged). A cancel asked for meanwhile stops the wait:
   * the receipts queued are judged all the same, nothing more is queued.
   */
  private async judged(
    tracker: ReturnType<OperationsService['tracker']>,
    operationId: string,
    receiptIds: string[],
  ): Promise<number> {
    /** Ends BullMQ told of (failed or not) that PostgreSQL had not. */
    const fromQueue = new Map<string, boolean>();
    let ended = 0;
    let checked = Date.now();
    let progressed = Date.now();
    for (;;) {
      const ends = new Map((await this.receipts.ended(operationId, receiptIds)).map((e) => [e.id, e.failed]));
      for (const [id, failed] of fromQueue) if (!ends.has(id)) ends.set(id, failed);
      if (ends.size === receiptIds.length) return [...ends.values()].filter((failed) => failed).length;
      if (ends.size > ended) {
        ended = ends.size;
        progressed = Date.now();
      } else if (Date.now() - progressed >= QUIET_MS) {
        for (const id of receiptIds.filter((r) => !ends.has(r))) {
          const state = await this.ingest.getJobState(jobId('replay', operationId, id));
          if (['completed', 'failed', 'unknown'].includes(state)) fromQueue.set(id, state === 'failed');
        }
        progressed = Date.now();
      }
      if (Date.now() - checked >= CANCEL_CHECK_MS) {
        await tracker.checkpoint();
        checked = Date.now();
      }
      await sleep(WAIT_POLL_MS);
    }
  }
}
