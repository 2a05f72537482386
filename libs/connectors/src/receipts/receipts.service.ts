import { createHash, randomUUID } from 'node:crypto';
import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ReceiptEntity, SourceEntity } from '@txng/persistence';
import { jobId, QueueName } from '@txng/queues';
import { type Queue } from 'bullmq';
import { type DataSource, type EntityManager } from 'typeorm';

export interface NewReceipt {
  sourceKey: string;
  origin: 'webhook' | 'poll';
  webhookId?: string | null;
  pollPage?: Record<string, unknown> | null;
  contentType: string;
  body: Buffer;
  recordCount: number | null;
  mappingVersion: number | null;
}

export interface StoredReceipt {
  receiptId: string;
  recordCount: number | null;
  /** True when this webhook-id was already received: nothing new was stored. */
  replay: boolean;
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
  private lostCursor: { at: string; id: string } | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue(QueueName.Ingest) private readonly ingest: Queue,
  ) {}

  /** Stores a receipt; for a webhook-id already seen, returns the first receipt instead. */
  async store(input: NewReceipt, manager: EntityManager = this.dataSource.manager): Promise<StoredReceipt> {
    const id = randomUUID();
    const inserted: Array<{ id: string }> = await manager.query(
      `INSERT INTO receipt (id, source_key, origin, webhook_id, poll_page, content_type, body, body_sha256,
                            size_bytes, record_count, mapping_version)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (source_key, webhook_id) DO NOTHING
       RETURNING id`,
      [
        id,
        input.sourceKey,
        input.origin,
        input.webhookId ?? null,
        input.pollPage ? JSON.stringify(input.pollPage) : null,
        input.contentType,
        input.body,
        createHash('sha256').update(input.body).digest('hex'),
        input.body.length,
        input.recordCount,
        input.mappingVersion,
      ],
    );
    if (inserted.length === 0) {
      const first = await this.findByWebhookId(input.sourceKey, input.webhookId ?? '', manager);
      if (!first) throw new Error(`receipt for webhook-id ${input.webhookId} vanished`);
      return { receiptId: first.id, recordCount: first.recordCount, replay: true };
    }
    await manager.update(SourceEntity, { key: input.sourceKey }, { lastReceiptAt: new Date() });
    return { receiptId: id, recordCount: input.recordCount, replay: false };
  }

  async findByWebhookId(
    sourceKey: string,
    webhookId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<ReceiptEntity | null> {
    return manager.findOne(ReceiptEntity, {
      where: { sourceKey, webhookId },
      select: ['id', 'recordCount', 'sourceKey', 'webhookId', 'receivedAt'],
    });
  }

  /**
   * Puts a stored receipt on the ingest queue. The job id is derived from the receipt, so the
   * sweeper and the intake racing each other still make one job. Never throws: a receipt that
   * could not be queued now is queued by the sweeper later.
   */
  async enqueue(receiptId: string): Promise<boolean> {
    try {
      await this.ingest.add('process-receipt', { receiptId }, { jobId: jobId('receipt', receiptId) });
      await this.dataSource.query(
        `UPDATE receipt SET queued_at = now(), status = CASE WHEN status = 'stored' THEN 'queued' ELSE status END
         WHERE id = $1 AND queued_at IS NULL`,
        [receiptId],
      );
      return true;
    } catch (error) {
      this.logger.warn(
        `receipt ${receiptId} stored but not queued (${(error as Error).message}); the sweeper will queue it`,
      );
      return false;
    }
  }

  /** Queues receipts stored at least `minAgeMs` ago and never queued. Returns how many it queued. */
  async sweep(minAgeMs = 5000, limit = 500): Promise<number> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT id FROM receipt WHERE queued_at IS NULL AND received_at < now() - make_interval(secs => $1)
       ORDER BY received_at LIMIT $2`,
      [minAgeMs / 1000, limit],
    );
    let queued = 0;
    for (const { id } of rows) if (await this.enqueue(id)) queued += 1;
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
    const rows: Array<{ id: string; at: string }> = await this.dataSource.query(
      `SELECT id, received_at::text AS at FROM receipt
        WHERE status IN ('stored', 'queued', 'processing') AND queued_at < now() - make_interval(secs => $1)
          AND ($3::timestamptz IS NULL OR (received_at, id) > ($3::timestamptz, $4::uuid))
        ORDER BY received_at, id LIMIT $2`,
      [minAgeMs / 1000, limit, after?.at ?? null, after?.id ?? null],
    );
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
    const still: Array<{ id: string }> = await this.dataSource.query(
      `SELECT id FROM receipt WHERE id = ANY($1::uuid[]) AND status IN ('stored', 'queued', 'processing')`,
      [lost],
    );
    let queued = 0;
    for (const { id } of still) {
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
      const rows: Array<{ id: string }> = await this.dataSource.query(
        `SELECT e.id FROM receipt me
           JOIN receipt e ON e.source_key = me.source_key
                         AND e.status IN ('stored', 'queued', 'processing')
                         AND (e.received_at, e.id) > (me.received_at, me.id)
          WHERE me.id = $1
          ORDER BY e.received_at, e.id LIMIT 1`,
        [receiptId],
      );
      if (rows.length === 0) return;
      const job = await this.ingest.getJob(jobId('receipt', rows[0].id));
      if (job && (await job.isDelayed())) await job.promote();
    } catch (error) {
      // Raced (the job ran or moved meanwhile) or Redis away: its delay brings it back anyway.
      this.logger.debug(`next receipt after ${receiptId} not woken: ${(error as Error).message}`);
    }
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
    const rows: Array<{ receipt_id: string; checked_ms: string }> = await this.dataSource.query(
      `SELECT receipt_id, (extract(epoch FROM max(checked_at)) * 1000)::bigint::text AS checked_ms
         FROM held_item GROUP BY receipt_id
        HAVING max(checked_at) < now() - make_interval(secs => $1)
        ORDER BY max(checked_at) LIMIT $2`,
      [staleMs / 1000, limit],
    );
    let queued = 0;
    for (const r of rows) {
      try {
        await this.ingest.add(
          'process-receipt',
          { receiptId: r.receipt_id },
          { jobId: `${jobId('receipt', r.receipt_id)}.held.${r.checked_ms}` },
        );
        queued += 1;
      } catch (error) {
        this.logger.warn(`held receipt ${r.receipt_id} not queued (${(error as Error).message}); next sweep`);
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
