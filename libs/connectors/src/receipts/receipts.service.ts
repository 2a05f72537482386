import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  type NewReceipt,
  type ReceiptCursor,
  type ReceiptEntity,
  type StoredReceipt,
} from '@txng/persistence';
import { jobId, QueueName } from '@txng/queues';
import { type Queue } from 'bullmq';
import { RECEIPT_STORE, type ReceiptStore } from './receipt-store.port';

export { type NewReceipt, type StoredReceipt } from '@txng/persistence';

/** What one sweep did (a `sweep-receipts` job's result). */
export interface SweepResult {
  /** Receipts stored but never queued, now queued. */
  queued: number;
  /** Receipts whose ingest job was lost or failed, queued again. */
  requeued: number;
  /** Receipts whose held-back records nobody re-checked, queued. */
  held: number;
}

/**
 * Receipts are the hub's promise: a body is durably in PostgreSQL before anyone is told "accepted".
 * Queueing comes after and may fail (Redis down, or Redis loses its data later): the sweeper finds
 * receipts never queued, and receipts whose job is gone or failed.
 */
@Injectable()
export class ReceiptsService {
  private readonly logger = new Logger(ReceiptsService.name);
  /** Where `requeueLost` goes on from: the last receipt of its previous page. */
  private lostCursor: ReceiptCursor | null = null;

  constructor(
    @Inject(RECEIPT_STORE) private readonly receipts: ReceiptStore,
    @InjectQueue(QueueName.Ingest) private readonly ingest: Queue,
  ) {}

  /** Stores a receipt; for a webhook-id already seen, returns the first receipt instead. */
  async store(input: NewReceipt): Promise<StoredReceipt> {
    return this.receipts.store(input);
  }

  async findByWebhookId(sourceKey: string, webhookId: string): Promise<ReceiptEntity | null> {
    return this.receipts.findByWebhookId(sourceKey, webhookId);
  }

  /**
   * Puts a stored receipt on the ingest queue. The job id is derived from the receipt, so the
   * sweeper and the intake racing each other still make one job. Never throws: a receipt that
   * could not be queued now is queued by the sweeper later.
   */
  async enqueue(receiptId: string): Promise<boolean> {
    try {
      await this.ingest.add('process-receipt', { receiptId }, { jobId: jobId('receipt', receiptId) });
      await this.receipts.markQueued(receiptId);
      return true;
    } catch (error) {
      this.logger.warn(
        `receipt ${receiptId} stored but not queued (${(error as Error).message}); the sweeper will queue it`,
      );
      return false;
    }
  }

  /**
   * Puts stored receipts on the ingest queue in one Redis round trip (`addBulk`), then marks them
   * queued in one statement: the group commit's queueing (ReceiptBatcher). Never throws, as
   * `enqueue`: receipts not queued now are queued by the sweeper.
   */
  async enqueueMany(receiptIds: string[]): Promise<void> {
    if (receiptIds.length === 0) return;
    try {
      await this.ingest.addBulk(
        receiptIds.map((receiptId) => ({
          name: 'process-receipt',
          data: { receiptId },
          opts: { jobId: jobId('receipt', receiptId) },
        })),
      );
      await this.receipts.markQueuedMany(receiptIds);
    } catch (error) {
      this.logger.warn(
        `${receiptIds.length} receipt(s) stored but not all queued (${(error as Error).message}); the sweeper will queue them`,
      );
    }
  }

  /** Queues receipts stored at least `minAgeMs` ago and never queued. Returns how many it queued. */
  async sweep(minAgeMs = 5000, limit = 500): Promise<number> {
    let queued = 0;
    for (const id of await this.receipts.neverQueued(minAgeMs, limit))
      if (await this.enqueue(id)) queued += 1;
    if (queued > 0) this.logger.log(`sweeper queued ${queued} receipt(s) that had not been queued`);
    return queued;
  }

  /**
   * Receipts queued but not processed whose ingest job is gone (Redis lost its data, an operator
   * removed the job) or failed (its retries spent, or BullMQ's stall limit after its worker died
   * twice): each is queued again as a fresh job under the receipt's job id, so sweepers in several
   * processes still make one. A held-back receipt (`processing`, its job delayed) counts too: its
   * job is the one that re-checks it. Reads unfinished receipts in pages, going on from where the
   * last call stopped, so a long backlog costs a bounded number of Redis calls per sweep. Returns
   * how many it queued.
   */
  async requeueLost(minAgeMs = 5000, limit = 500): Promise<number> {
    const after = this.lostCursor;
    const rows = await this.receipts.unfinished(minAgeMs, limit, after);
    this.lostCursor = rows.length < limit ? null : rows[rows.length - 1];
    const lost: string[] = [];
    for (const { id } of rows) {
      const job = jobId('receipt', id);
      const state = await this.ingest.getJobState(job);
      if (state === 'unknown') lost.push(id);
      else if (state === 'failed' && (await this.removeFailed(job))) lost.push(id);
    }
    if (lost.length === 0) return 0;
    // Finished meanwhile (its job completed and was removed): nothing to do.
    let queued = 0;
    for (const id of await this.receipts.stillUnfinished(lost)) {
      try {
        await this.ingest.add('process-receipt', { receiptId: id }, { jobId: jobId('receipt', id) });
        queued += 1;
      } catch (error) {
        this.logger.warn(
          `receipt ${id} lost its job and was not queued again (${(error as Error).message}); next sweep`,
        );
      }
    }
    if (queued > 0)
      this.logger.warn(`sweeper queued again ${queued} receipt(s) whose ingest job was lost or failed`);
    return queued;
  }

  /**
   * A receipt was judged (or failed, or left only records held back for the registry): the next
   * unjudged receipt of its source, in the order the hub stored them, may be waiting in the delayed
   * set for its turn (docs/pipeline.md, "Receipt order"). Its job is run now rather than at the end
   * of its delay, so one busy source goes at the pace of judging, not of the waits. Never throws:
   * a job not woken still runs when its delay ends.
   */
  async wakeNext(receiptId: string): Promise<void> {
    try {
      const next = await this.receipts.nextUnjudged(receiptId);
      if (next === null) return;
      const job = await this.ingest.getJob(jobId('receipt', next));
      if (job && (await job.isDelayed())) await job.promote();
    } catch (error) {
      // Raced (the job ran or moved meanwhile) or Redis away: its delay brings it back anyway.
      this.logger.debug(`next receipt after ${receiptId} not woken: ${(error as Error).message}`);
    }
  }

  /**
   * One sweep (the maintenance queue's `sweep-receipts` job, docs/pipeline.md "What is rebuilt from
   * PostgreSQL"): receipts never queued, receipts whose job is lost or failed, and receipts whose
   * held-back records nobody re-checks, at once.
   */
  async sweepAll(): Promise<SweepResult> {
    const [queued, requeued, held] = await Promise.all([this.sweep(), this.requeueLost(), this.sweepHeld()]);
    return { queued, requeued, held };
  }

  /** Removes a failed job so that its id can be queued afresh; false when another process got there first. */
  private async removeFailed(id: string): Promise<boolean> {
    try {
      const job = await this.ingest.getJob(id);
      if (!job) return true;
      if (!(await job.isFailed())) return false;
      await job.remove();
      return true;
    } catch (error) {
      this.logger.warn(`failed ingest job ${id} not removed (${(error as Error).message}); next sweep`);
      return false;
    }
  }

  /**
   * Receipts with records held back (held_item) that nobody has looked at for `staleMs`: the
   * delayed job that re-checks them every few minutes is gone (Redis lost it). Queues one job per
   * receipt and stale moment (`receipt.<id>.held.<checked_at ms>`), so sweepers in several processes
   * make one job; a job that still lives alongside is harmless (the pipeline skips judged items).
   */
  async sweepHeld(staleMs = HELD_STALE_MS, limit = 500): Promise<number> {
    const rows = await this.receipts.staleHeld(staleMs, limit);
    let queued = 0;
    for (const r of rows) {
      try {
        await this.ingest.add(
          'process-receipt',
          { receiptId: r.receiptId },
          { jobId: `${jobId('receipt', r.receiptId)}.held.${r.checkedMs}` },
        );
        queued += 1;
      } catch (error) {
        this.logger.warn(`held receipt ${r.receiptId} not queued (${(error as Error).message}); next sweep`);
      }
    }
    if (queued > 0)
      this.logger.log(`sweeper queued ${queued} receipt(s) whose held-back records were not re-checked`);
    return queued;
  }
}

/**
 * Held-back records are re-checked at least every 5 minutes (PipelineSettings.holdRetryMaxMs); three
 * times that without a check means the job that would do it is lost.
 */
export const HELD_STALE_MS = 15 * 60_000;
