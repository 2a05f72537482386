import { createHash, randomUUID } from 'node:crypto';
import { type DataSource, type EntityManager } from 'typeorm';
import { prepared } from '../database/prepared-statements';
import { ReceiptEntity } from '../entities';
import {
  type NewReceipt,
  type ReceiptCursor,
  type ReceiptFollowers,
  type ReceiptTurn,
  type StoredReceipt,
} from './receipt.types';

/** The columns a new receipt fills, each with the type its parameter is cast to in a VALUES list. */
const NEW_RECEIPT = [
  ['id', 'uuid'],
  ['source_key', 'text'],
  ['origin', 'text'],
  ['webhook_id', 'text'],
  ['poll_page', 'jsonb'],
  ['content_type', 'text'],
  ['body', 'bytea'],
  ['body_sha256', 'text'],
  ['size_bytes', 'int'],
  ['record_count', 'int'],
  ['mapping_version', 'int'],
  ['mapped_envelope', 'text'],
] as const;
const NEW_RECEIPT_COLUMNS = NEW_RECEIPT.map(([column]) => column).join(', ');

/**
 * A new receipt as a row of VALUES: its parameters, in NEW_RECEIPT's order, and the placeholders
 * that name them from `$first` on (cast, so that the rows of a multi-row VALUES have the columns' types).
 */
function newReceiptRow(
  id: string,
  input: NewReceipt,
  first: number,
): { placeholders: string; params: unknown[] } {
  const params = [
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
    input.mappedEnvelope ?? null,
  ];
  return { placeholders: NEW_RECEIPT.map(([, type], k) => `$${first + k}::${type}`).join(', '), params };
}

/**
 * Whether a receipt earlier than `me` (the receipt row in scope under that alias) of the same
 * source, in the order the hub stored them (`received_at`, then `id`), is still unjudged, not
 * counting receipts whose first run left only records held back (`held_item`): the ordering gate
 * that `earlierUnjudged`, `turn` and `following` ask (a probe of receipt_unjudged_source_idx).
 */
const EARLIER_UNJUDGED = `EXISTS (
         SELECT 1 FROM receipt e
          WHERE e.source_key = me.source_key
            AND e.status IN ('stored', 'queued', 'processing')
            AND (e.received_at, e.id) < (me.received_at, me.id)
            AND NOT EXISTS (SELECT 1 FROM held_item h WHERE h.receipt_id = e.id)
       )`;

/**
 * The receipts are on the ingest queue: `queued_at` set once, `stored` becomes `queued`. A receipt
 * a worker has locked already is skipped, not waited for: its job began (the queue ran it before
 * intake got here), and taking it sets `queued_at` itself (`take`). Waiting would hold the
 * webhook's 202 for as long as the worker's transaction runs.
 */
const MARK_QUEUED =
  prepared(`UPDATE receipt r SET queued_at = now(), status = CASE WHEN r.status = 'stored' THEN 'queued' ELSE r.status END
   FROM (SELECT id FROM receipt WHERE id = ANY($1::uuid[]) AND queued_at IS NULL ORDER BY id FOR UPDATE SKIP LOCKED) free
  WHERE r.id = free.id`);

/**
 * Receipts' PostgreSQL side (`receipt`, and `held_item` as far as receipts wait on it): storing a
 * body, the states a receipt goes through, the sweeps' reads, and the purge of bodies past
 * retention. What the hub does with them (queueing, order, retention rules) is in
 * libs/connectors/src/receipts.
 */
export class PgReceiptRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Stores a receipt; for a webhook-id already seen, returns the first receipt instead. The
   * source's `last_receipt_at` moves in the same statement (one round trip per webhook, not two).
   */
  async store(input: NewReceipt, manager: EntityManager = this.dataSource.manager): Promise<StoredReceipt> {
    const id = randomUUID();
    const row = newReceiptRow(id, input, 2);
    const inserted: Array<{ id: string }> = await manager.query(
      `WITH stored AS (
         INSERT INTO receipt (${NEW_RECEIPT_COLUMNS})
         VALUES (${row.placeholders})
         ON CONFLICT (source_key, webhook_id) DO NOTHING
         RETURNING id
       ), touched AS (
         UPDATE source SET last_receipt_at = $1 WHERE key = $3 AND EXISTS (SELECT 1 FROM stored)
       )
       SELECT id FROM stored`,
      [new Date(), ...row.params],
    );
    if (inserted.length === 0) {
      const first = await this.findByWebhookId(input.sourceKey, input.webhookId ?? '', manager);
      if (!first) throw new Error(`receipt for webhook-id ${input.webhookId} vanished`);
      return { receiptId: first.id, recordCount: first.recordCount, replay: true };
    }
    return { receiptId: id, recordCount: input.recordCount, replay: false };
  }

  /**
   * Stores webhooks' receipts in one statement (the gateway's group commit, docs/ingest.md), in
   * the order given: each row is new, or a webhook-id already seen (also earlier in the same call),
   * answered with its first receipt. All rows commit together or none does; the sources' `last_receipt_at`
   * moves in the same statement, their rows locked in key order so that two such statements
   * never wait on each other crosswise. A second statement reads the first receipts of the
   * webhook-ids seen before, only when there are some.
   */
  async storeWebhooks(inputs: NewReceipt[]): Promise<StoredReceipt[]> {
    if (inputs.length === 0) return [];
    const ids = inputs.map(() => randomUUID());
    const params: unknown[] = [new Date()];
    const rows = inputs.map((input, i) => {
      const row = newReceiptRow(ids[i], { ...input, origin: 'webhook', pollPage: null }, params.length + 1);
      // After the receipt's columns, its place in the call (n).
      params.push(...row.params, i);
      return `(${row.placeholders}, $${params.length}::int)`;
    });
    const inserted: Array<{ id: string }> = await this.dataSource.query(
      `WITH incoming (${NEW_RECEIPT_COLUMNS}, n) AS (
         VALUES ${rows.join(',\n')}
       ), stored AS (
         INSERT INTO receipt (${NEW_RECEIPT_COLUMNS})
         SELECT ${NEW_RECEIPT_COLUMNS} FROM incoming ORDER BY n
         ON CONFLICT (source_key, webhook_id) DO NOTHING
         RETURNING id, source_key
       ), locked AS (
         SELECT s.key FROM source s
          WHERE s.key IN (SELECT DISTINCT source_key FROM stored)
          ORDER BY s.key FOR NO KEY UPDATE
       ), touched AS (
         UPDATE source SET last_receipt_at = $1 FROM locked WHERE source.key = locked.key
       )
       SELECT id FROM stored`,
      params,
    );
    const fresh = new Set(inserted.map((r) => r.id));
    const seen = inputs.filter((_, i) => !fresh.has(ids[i]));
    const first = new Map<string, { id: string; recordCount: number | null }>();
    if (seen.length > 0) {
      const found: Array<{
        id: string;
        source_key: string;
        webhook_id: string;
        record_count: number | null;
      }> = await this.dataSource.query(
        `SELECT r.id, r.source_key, r.webhook_id, r.record_count
             FROM receipt r JOIN unnest($1::text[], $2::text[]) AS w (source_key, webhook_id)
               ON r.source_key = w.source_key AND r.webhook_id = w.webhook_id`,
        [seen.map((i) => i.sourceKey), seen.map((i) => i.webhookId ?? '')],
      );
      for (const r of found)
        first.set(`${r.source_key}\n${r.webhook_id}`, { id: r.id, recordCount: r.record_count });
    }
    return inputs.map((input, i) => {
      if (fresh.has(ids[i])) return { receiptId: ids[i], recordCount: input.recordCount, replay: false };
      const known = first.get(`${input.sourceKey}\n${input.webhookId ?? ''}`);
      if (!known) throw new Error(`receipt for webhook-id ${input.webhookId} vanished`);
      return { receiptId: known.id, recordCount: known.recordCount, replay: true };
    });
  }

  /** The receipts are on the ingest queue (as `markQueued`, for many in one statement). */
  async markQueuedMany(receiptIds: string[]): Promise<void> {
    if (receiptIds.length === 0) return;
    await this.dataSource.query(MARK_QUEUED, [receiptIds]);
  }

  /** The first receipt of a webhook-id (asked at every webhook: plain SQL, not TypeORM's query building). */
  async findByWebhookId(
    sourceKey: string,
    webhookId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<ReceiptEntity | null> {
    const rows: Array<{
      id: string;
      record_count: number | null;
      source_key: string;
      webhook_id: string | null;
      received_at: Date;
    }> = await manager.query(
      `SELECT id, record_count, source_key, webhook_id, received_at FROM receipt
        WHERE source_key = $1 AND webhook_id = $2`,
      [sourceKey, webhookId],
    );
    const r = rows[0];
    if (!r) return null;
    return Object.assign(new ReceiptEntity(), {
      id: r.id,
      recordCount: r.record_count,
      sourceKey: r.source_key,
      webhookId: r.webhook_id,
      receivedAt: r.received_at,
    });
  }

  /** The receipt with its body and, until its job began, the envelope mapped at intake. */
  async find(receiptId: string): Promise<ReceiptEntity | null> {
    const rows: Array<Record<string, unknown>> = await this.dataSource.query(
      prepared(`SELECT ${RECEIPT_COLUMNS} FROM receipt WHERE id = $1`),
      [receiptId],
    );
    return rows[0] ? receiptOf(rows[0]) : null;
  }

  /**
   * Reads the receipts for judging and marks those not finished `processing`, in one statement:
   * each as it was read (with the envelope mapped at intake), in the order of `receiptIds`. The
   * envelope is dropped from the row (the job has it now): a later run of the job maps the body
   * again. Locked in id order while it runs, like the pipeline's receipt locks. `queued_at` is set
   * here too when intake has not set it yet (MARK_QUEUED skips a receipt locked here).
   */
  async take(receiptIds: string[]): Promise<ReceiptEntity[]> {
    if (receiptIds.length === 0) return [];
    const rows: Array<Record<string, unknown>> = await this.dataSource.query(
      prepared(`WITH taken AS (
         SELECT ${RECEIPT_COLUMNS} FROM receipt WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE
       ), marked AS (
         UPDATE receipt r SET status = 'processing', mapped_envelope = NULL, queued_at = coalesce(r.queued_at, now())
           FROM taken WHERE r.id = taken.id AND taken.status IN ('stored', 'queued')
       )
       SELECT * FROM taken`),
      [receiptIds],
    );
    const byId = new Map(rows.map((r) => [r.id as string, receiptOf(r)]));
    return receiptIds.flatMap((id) => {
      const receipt = byId.get(id);
      return receipt ? [receipt] : [];
    });
  }

  /** The receipt is on the ingest queue: `queued_at` set once, `stored` becomes `queued`. */
  async markQueued(receiptId: string): Promise<void> {
    await this.dataSource.query(MARK_QUEUED, [[receiptId]]);
  }

  /** Failed for good with the reason, unless it is already finished. */
  async markFailed(receiptId: string, message: string): Promise<void> {
    await this.dataSource.query(
      prepared(`UPDATE receipt SET status = 'failed', error = $2, processed_at = now(), mapped_envelope = NULL
        WHERE id = $1 AND status IN ('stored', 'queued', 'processing')`),
      [receiptId, message],
    );
  }

  /**
   * A replay of chosen receipts' job ended for this receipt: judged, or failed for good. Written
   * again when a resumed run judges it again (the last end wins); the run reads these
   * (PgReceiptReplay.ended) instead of asking BullMQ for each job. Nothing is written once the
   * run has ended (a job of a cancelled run): the run dropped its ends then (PgReceiptReplay.forgetEnds).
   */
  async replayEnded(operationId: string, receiptId: string, failed: boolean): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO replay_receipt_end (operation_id, receipt_id, failed)
       SELECT $1, $2, $3 FROM operation WHERE id = $1 AND state IN ('queued', 'running', 'cancelling')
       ON CONFLICT (operation_id, receipt_id) DO UPDATE SET failed = excluded.failed, ended_at = now()`,
      [operationId, receiptId, failed],
    );
  }

  /** A note on the receipt (why its records are held back). */
  async noteError(receiptId: string, message: string): Promise<void> {
    await this.dataSource.query(`UPDATE receipt SET error = $2 WHERE id = $1`, [receiptId, message]);
  }

  /** The outcome counts recorded on the receipt, null when none. */
  async countsOf<C>(receiptId: string): Promise<Partial<C> | null> {
    const rows: Array<{ counts: Partial<C> | null }> = await this.dataSource.query(
      `SELECT counts FROM receipt WHERE id = $1`,
      [receiptId],
    );
    return rows[0]?.counts ?? null;
  }

  /** Receipts stored at least `minAgeMs` ago and never queued, oldest first. */
  async neverQueued(minAgeMs: number, limit: number): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT id FROM receipt WHERE queued_at IS NULL AND received_at < now() - make_interval(secs => $1)
       ORDER BY received_at LIMIT $2`,
      [minAgeMs / 1000, limit],
    );
    return rows.map((r) => r.id);
  }

  /**
   * A page of receipts queued at least `minAgeMs` ago and not finished, in the order they were
   * stored, after `after` (through the partial index receipt_unfinished_idx).
   */
  async unfinished(minAgeMs: number, limit: number, after: ReceiptCursor | null): Promise<ReceiptCursor[]> {
    return this.dataSource.query(
      `SELECT id, received_at::text AS at FROM receipt
        WHERE status IN ('stored', 'queued', 'processing') AND queued_at < now() - make_interval(secs => $1)
          AND ($3::timestamptz IS NULL OR (received_at, id) > ($3::timestamptz, $4::uuid))
        ORDER BY received_at, id LIMIT $2`,
      [minAgeMs / 1000, limit, after?.at ?? null, after?.id ?? null],
    );
  }

  /** Those of `ids` not finished (yet). */
  async stillUnfinished(ids: string[]): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT id FROM receipt WHERE id = ANY($1::uuid[]) AND status IN ('stored', 'queued', 'processing')`,
      [ids],
    );
    return rows.map((r) => r.id);
  }

  /** Whether an earlier receipt of the same source is still unjudged (EARLIER_UNJUDGED); false for none. */
  async earlierUnjudged(receiptId: string): Promise<boolean> {
    const rows: Array<{ waiting: boolean }> = await this.dataSource.query(
      prepared(`SELECT ${EARLIER_UNJUDGED} AS waiting FROM receipt me WHERE me.id = $1`),
      [receiptId],
    );
    return rows[0]?.waiting === true;
  }

  /**
   * The receipt's state and whether an earlier receipt of its source is unjudged (as
   * `earlierUnjudged`), in one statement: what an ingest job asks before it reads the body. Null
   * when there is no such receipt.
   */
  async turn(receiptId: string): Promise<ReceiptTurn | null> {
    const rows: Array<{
      source_key: string;
      status: ReceiptTurn['status'];
      record_count: number | null;
      counts: Record<string, number> | null;
      waiting: boolean;
      callbacks: boolean;
    }> = await this.dataSource.query(
      prepared(`SELECT me.source_key, me.status, me.record_count, me.counts,
              EXISTS (SELECT 1 FROM source s
                       WHERE s.key = me.source_key AND s.deleted_at IS NULL AND s.callback IS NOT NULL) AS callbacks,
              ${EARLIER_UNJUDGED} AS waiting
         FROM receipt me WHERE me.id = $1`),
      [receiptId],
    );
    const r = rows[0];
    return r
      ? {
          sourceKey: r.source_key,
          status: r.status,
          recordCount: r.record_count,
          counts: r.counts,
          earlierUnjudged: r.waiting,
          callbacks: r.callbacks,
        }
      : null;
  }

  /** The next unjudged receipt of the same source after this one, in the order the hub stored them. */
  async nextUnjudged(receiptId: string): Promise<string | null> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      prepared(`SELECT e.id FROM receipt me
         JOIN receipt e ON e.source_key = me.source_key
                       AND e.status IN ('stored', 'queued', 'processing')
                       AND (e.received_at, e.id) > (me.received_at, me.id)
        WHERE me.id = $1
        ORDER BY e.received_at, e.id LIMIT 1`),
      [receiptId],
    );
    return rows[0]?.id ?? null;
  }

  /**
   * What a job judging its source's run asks after `receiptId` (judged): the source's next
   * unjudged receipts in the order the hub stored them (at most `limit`, with their state and
   * record count), and whether an earlier receipt than `receiptId` is still unjudged (as
   * `earlierUnjudged`), in one statement. Each of them has its turn once the ones before it are
   * judged: they are consecutive (every receipt between two of them is finished or held back).
   */
  async following(receiptId: string, limit: number): Promise<ReceiptFollowers> {
    const rows: Array<{
      id: string | null;
      status: ReceiptTurn['status'] | null;
      record_count: number | null;
      blocked: boolean;
    }> = await this.dataSource.query(
      prepared(`WITH me AS (SELECT source_key, received_at, id FROM receipt WHERE id = $1)
       SELECT n.id, n.status, n.record_count,
              ${EARLIER_UNJUDGED} AS blocked
         FROM me LEFT JOIN LATERAL (
                SELECT e.id, e.status, e.record_count, e.received_at FROM receipt e
                 WHERE e.source_key = me.source_key
                   AND e.status IN ('stored', 'queued', 'processing')
                   AND (e.received_at, e.id) > (me.received_at, me.id)
                 ORDER BY e.received_at, e.id LIMIT $2
              ) n ON true
        ORDER BY n.received_at, n.id`),
      [receiptId, limit],
    );
    return {
      blocked: rows[0]?.blocked ?? false,
      next: rows.flatMap((r) =>
        r.id === null || r.status === null
          ? []
          : [{ id: r.id, status: r.status, recordCount: r.record_count }],
      ),
    };
  }

  /** Receipts with held-back records nobody re-checked for `staleMs`, with their last check (epoch ms). */
  async staleHeld(staleMs: number, limit: number): Promise<Array<{ receiptId: string; checkedMs: string }>> {
    const rows: Array<{ receipt_id: string; checked_ms: string }> = await this.dataSource.query(
      `SELECT receipt_id, (extract(epoch FROM max(checked_at)) * 1000)::bigint::text AS checked_ms
         FROM held_item GROUP BY receipt_id
        HAVING max(checked_at) < now() - make_interval(secs => $1)
        ORDER BY max(checked_at) LIMIT $2`,
      [staleMs / 1000, limit],
    );
    return rows.map((r) => ({ receiptId: r.receipt_id, checkedMs: r.checked_ms }));
  }

  /**
   * Deletes up to `batchSize` raw bodies of finished receipts (`processed` or `failed`, no record
   * held back) processed more than `retentionSeconds` ago, keeping the row and its digest; one
   * statement, its own transaction, skipping receipts locked at that moment. Returns how many.
   */
  async purgeBodies(retentionSeconds: number, batchSize: number): Promise<number> {
    const [rows] = await this.dataSource.query<[Array<{ id: string }>, number]>(
      `WITH batch AS (
         SELECT r.id FROM receipt r
          WHERE r.body_purged_at IS NULL AND r.status IN ('processed', 'failed')
            AND r.processed_at < now() - make_interval(secs => $1)
            AND NOT EXISTS (SELECT 1 FROM held_item h WHERE h.receipt_id = r.id)
          ORDER BY r.processed_at
          LIMIT $2
          FOR UPDATE SKIP LOCKED)
       UPDATE receipt r SET body = NULL, body_purged_at = now(), mapped_envelope = NULL
         FROM batch WHERE r.id = batch.id
       RETURNING r.id`,
      [retentionSeconds, batchSize],
    );
    return rows.length;
  }
}

const RECEIPT_COLUMNS = `id, source_key, origin, webhook_id, poll_page, content_type, body, body_sha256, size_bytes,
       record_count, mapping_version, status, error, received_at, queued_at, processed_at,
       body_purged_at, mapped_envelope`;

function receiptOf(r: Record<string, unknown>): ReceiptEntity {
  return Object.assign(new ReceiptEntity(), {
    id: r.id,
    sourceKey: r.source_key,
    origin: r.origin,
    webhookId: r.webhook_id,
    pollPage: r.poll_page,
    contentType: r.content_type,
    body: r.body,
    bodySha256: r.body_sha256,
    sizeBytes: r.size_bytes,
    recordCount: r.record_count,
    mappingVersion: r.mapping_version,
    status: r.status,
    error: r.error,
    receivedAt: r.received_at,
    queuedAt: r.queued_at,
    processedAt: r.processed_at,
    bodyPurgedAt: r.body_purged_at,
    mappedEnvelope: r.mapped_envelope,
  });
}
