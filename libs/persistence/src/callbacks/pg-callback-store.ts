import { type DataSource } from 'typeorm';
import { type SourceCallback } from '../entities/source.entity';

export type CallbackEventName = SourceCallback['events'][number];
export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

/** A live source with a callback, as the sender needs it. */
export interface CallbackSubscriberRow {
  key: string;
  provinceCode: string;
  callback: SourceCallback;
  callbackSince: Date;
  secretsEnc: string | null;
}

export interface NewCallbackEventRow {
  sourceKey: string;
  type: CallbackEventName;
  /** Unique per source: the same event found twice is one delivery. */
  dedupKey: string;
  payload: unknown;
}

/** A delivery claimed for one attempt. */
export interface ClaimedDeliveryRow {
  id: string;
  sourceKey: string;
  type: CallbackEventName;
  payload: unknown;
  createdAt: Date;
  attempts: number;
  retries: number;
}

export interface AttemptRow {
  attempt: number;
  manual: boolean;
  attemptedAt: Date;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
}

export interface DeliveryRow {
  id: string;
  sourceKey: string;
  type: CallbackEventName;
  status: DeliveryStatus;
  attempts: number;
  createdAt: Date;
  deliveredAt: Date | null;
  nextAttemptAt: Date | null;
  lastStatusCode: number | null;
  lastError: string | null;
  attemptList: AttemptRow[];
}

/** A watched receipt and what the scan found of its accepted records. */
export interface SyncWatchRow {
  receiptId: string;
  sourceKey: string;
  generation: string;
  createdAt: Date;
  anyAccepted: boolean;
  allSynced: boolean;
}

const CURSOR = /^(\d{1,20})\.([0-9a-f-]{36})$/;
export const isDeliveryCursor = (cursor: string): boolean => CURSOR.test(cursor);

/**
 * The SQL of signed callbacks (hub-interface.md, "v1 additions"): one `callback_delivery` row per
 * event and source, its `callback_attempt` rows, and `callback_sync_watch`, the receipts whose
 * `receipt.synced` is still to come. Structurally the connectors' CallbackStore port.
 */
export class PgCallbackStore {
  constructor(private readonly dataSource: DataSource) {}

  async subscriber(sourceKey: string): Promise<CallbackSubscriberRow | null> {
    const rows: Array<{
      key: string;
      province_code: string;
      callback: SourceCallback;
      callback_since: Date;
      secrets_enc: string | null;
    }> = await this.dataSource.query(
      `SELECT key, province_code, callback, callback_since, secrets_enc FROM source
        WHERE key = $1 AND deleted_at IS NULL AND callback IS NOT NULL`,
      [sourceKey],
    );
    const r = rows[0];
    return r
      ? {
          key: r.key,
          provinceCode: r.province_code,
          callback: r.callback,
          callbackSince: r.callback_since,
          secretsEnc: r.secrets_enc,
        }
      : null;
  }

  /** Stores events not stored before; answers the new deliveries (attempts 0) to queue. */
  async insertEvents(events: NewCallbackEventRow[]): Promise<Array<{ id: string; attempts: number }>> {
    if (events.length === 0) return [];
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `INSERT INTO callback_delivery (source_key, event_type, dedup_key, payload)
       SELECT x.source_key, x.event_type, x.dedup_key, x.payload
         FROM jsonb_to_recordset($1::jsonb) AS x(source_key text, event_type text, dedup_key text, payload jsonb)
       ON CONFLICT (source_key, dedup_key) DO NOTHING
       RETURNING id::text`,
      [
        JSON.stringify(
          events.map((e) => ({
            source_key: e.sourceKey,
            event_type: e.type,
            dedup_key: e.dedupKey,
            payload: e.payload,
          })),
        ),
      ],
    );
    return rows.map((r) => ({ id: r.id, attempts: 0 }));
  }

  /** The receipt's `receipt.synced` is due once every accepted record of it is at the portal. */
  async watchSync(receiptId: string, sourceKey: string, generation: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO callback_sync_watch (receipt_id, source_key, generation) VALUES ($1, $2, $3)
       ON CONFLICT (receipt_id, source_key)
       DO UPDATE SET generation = EXCLUDED.generation, created_at = now(), checked_at = now()`,
      [receiptId, sourceKey, generation],
    );
  }

  /**
   * The watched receipts looked at longest ago (at most `limit`), marked looked at now, with whether
   * they have accepted records and whether all of those are synced. Two scanners at once take
   * different rows (SKIP LOCKED).
   */
  async checkSyncWatches(limit: number): Promise<SyncWatchRow[]> {
    const rows: Array<{
      receipt_id: string;
      source_key: string;
      generation: string;
      created_at: Date;
      any_accepted: boolean;
      all_synced: boolean;
    }> = await this.dataSource.query(
      `WITH batch AS (
         SELECT receipt_id, source_key FROM callback_sync_watch
          ORDER BY checked_at LIMIT $1 FOR UPDATE SKIP LOCKED
       ), touched AS (
         UPDATE callback_sync_watch w SET checked_at = now()
           FROM batch b WHERE w.receipt_id = b.receipt_id AND w.source_key = b.source_key
         RETURNING w.receipt_id, w.source_key, w.generation, w.created_at
       )
       SELECT t.receipt_id::text, t.source_key, t.generation, t.created_at,
              EXISTS (SELECT 1 FROM receipt_record rr
                       WHERE rr.receipt_id = t.receipt_id AND rr.outcome IN ('new', 'version', 'duplicate')) AS any_accepted,
              NOT EXISTS (SELECT 1 FROM receipt_record rr
                            LEFT JOIN record_version v ON v.id = rr.record_version_id
                           WHERE rr.receipt_id = t.receipt_id AND rr.outcome IN ('new', 'version', 'duplicate')
                             AND (v.id IS NULL OR v.status <> 'synced')) AS all_synced
         FROM touched t`,
      [limit],
    );
    return rows.map((r) => ({
      receiptId: r.receipt_id,
      sourceKey: r.source_key,
      generation: r.generation,
      createdAt: r.created_at,
      anyAccepted: r.any_accepted,
      allSynced: r.all_synced,
    }));
  }

  async unwatchSync(receiptId: string, sourceKey: string, generation: string): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM callback_sync_watch WHERE receipt_id = $1 AND source_key = $2 AND generation = $3`,
      [receiptId, sourceKey, generation],
    );
  }

  /**
   * Conflicts resolved in the last day that touch a record of a source subscribed to
   * `conflict.resolved` (either side) and were not yet turned into its delivery.
   */
  async resolvedConflictsToSend(limit: number): Promise<Array<{ conflictId: string; sourceKey: string }>> {
    const rows: Array<{ conflict_id: string; source_key: string }> = await this.dataSource.query(
      `SELECT DISTINCT c.id::text AS conflict_id, s.key AS source_key
         FROM conflict c
         JOIN record_version v ON v.id = c.incoming_version_id OR v.id = c.existing_version_id
         JOIN source s ON s.key = v.source_key AND s.deleted_at IS NULL AND s.callback IS NOT NULL
                      AND s.callback->'events' ? 'conflict.resolved' AND c.resolved_at >= s.callback_since
        WHERE c.status = 'resolved' AND c.resolved_at > now() - interval '1 day'
          AND NOT EXISTS (SELECT 1 FROM callback_delivery d
                           WHERE d.source_key = s.key AND d.dedup_key = 'conflict.resolved:' || c.id::text)
        LIMIT $1`,
      [limit],
    );
    return rows.map((r) => ({ conflictId: r.conflict_id, sourceKey: r.source_key }));
  }

  /**
   * A resolved conflict as `sourceKey`'s province may see it: its own side in full, the other side
   * by province, kind and key only (hub-interface.md, province-scoped reading).
   */
  async conflictForSource(conflictId: string, sourceKey: string): Promise<unknown> {
    const rows: Array<{
      id: string;
      code: string;
      kind: string;
      key: string;
      status: string;
      decision: string | null;
      note: string | null;
      created_at: Date;
      resolved_at: Date | null;
      sides: Array<{
        side: 'existing' | 'incoming';
        kind: string;
        key: string;
        version: number | null;
        status: string;
        source_key: string;
        province_code: string | null;
      }>;
    }> = await this.dataSource.query(
      `SELECT c.id::text, c.code, c.kind, c.key, c.status, c.decision, c.note, c.created_at, c.resolved_at,
              (SELECT jsonb_agg(jsonb_build_object(
                        'side', CASE WHEN v.id = c.incoming_version_id THEN 'incoming' ELSE 'existing' END,
                        'kind', v.kind, 'key', v.key, 'version', v.version, 'status', v.status,
                        'source_key', v.source_key, 'province_code', s.province_code))
                 FROM record_version v LEFT JOIN source s ON s.key = v.source_key
                WHERE v.id = c.incoming_version_id OR v.id = c.existing_version_id) AS sides
         FROM conflict c WHERE c.id = $1`,
      [conflictId],
    );
    const c = rows[0];
    if (!c) return null;
    const sides = c.sides ?? [];
    const mine = sides.find((s) => s.source_key === sourceKey) ?? null;
    const other = sides.find((s) => s !== mine) ?? null;
    return {
      id: c.id,
      code: c.code,
      kind: c.kind,
      key: c.key,
      status: c.status,
      decision: c.decision,
      note: c.note,
      createdAt: c.created_at.toISOString(),
      resolvedAt: c.resolved_at?.toISOString() ?? null,
      side: mine?.side ?? null,
      record: mine ? { kind: mine.kind, key: mine.key, version: mine.version, status: mine.status } : null,
      other: other ? { provinceCode: other.province_code, kind: other.kind, key: other.key } : null,
    };
  }

  /**
   * Takes a delivery for attempt number `attempts` (the count of attempts made before it), unless
   * another process holds it, it moved on, or it is no longer pending. The claim lapses after
   * `leaseMs` so a process that dies mid-attempt does not keep it.
   */
  async claim(id: string, attempts: number, leaseMs: number): Promise<ClaimedDeliveryRow | null> {
    // TypeORM answers an UPDATE … RETURNING as [rows, count].
    const [rows]: [
      Array<{
        id: string;
        source_key: string;
        event_type: CallbackEventName;
        payload: unknown;
        created_at: Date;
        attempts: number;
        retries: number;
      }>,
      number,
    ] = await this.dataSource.query(
      `UPDATE callback_delivery SET claimed_until = now() + make_interval(secs => $3::double precision / 1000)
        WHERE id = $1 AND attempts = $2 AND status = 'pending'
          AND (claimed_until IS NULL OR claimed_until < now())
        RETURNING id::text, source_key, event_type, payload, created_at, attempts, retries`,
      [id, attempts, leaseMs],
    );
    const r = rows[0];
    return r
      ? {
          id: r.id,
          sourceKey: r.source_key,
          type: r.event_type,
          payload: r.payload,
          createdAt: r.created_at,
          attempts: r.attempts,
          retries: r.retries,
        }
      : null;
  }

  /**
   * One attempt and what follows it, in one transaction: `next` null when it was delivered,
   * `{ retryAt }` for another automatic try, `{ retryAt: null }` when the retries are spent.
   */
  async recordAttempt(
    claimed: ClaimedDeliveryRow,
    attempt: { manual: boolean; durationMs: number; statusCode: number | null; error: string | null },
    next: { retryAt: Date | null } | null,
  ): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      await m.query(
        `INSERT INTO callback_attempt (delivery_id, attempt, manual, duration_ms, status_code, error)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [
          claimed.id,
          claimed.attempts + 1,
          attempt.manual,
          attempt.durationMs,
          attempt.statusCode,
          attempt.error,
        ],
      );
      const status: DeliveryStatus = next === null ? 'delivered' : next.retryAt ? 'pending' : 'failed';
      await m.query(
        `UPDATE callback_delivery
            SET attempts = attempts + 1,
                retries = CASE WHEN $2::text = 'pending' THEN retries + 1 ELSE retries END,
                status = $2::text,
                next_attempt_at = coalesce($3::timestamptz, next_attempt_at),
                claimed_until = NULL,
                last_status_code = $4,
                last_error = $5,
                delivered_at = CASE WHEN $2::text = 'delivered' THEN now() ELSE delivered_at END,
                first_failed_at = CASE WHEN $2::text = 'delivered' THEN NULL ELSE coalesce(first_failed_at, now()) END
          WHERE id = $1`,
        [claimed.id, status, next?.retryAt ?? null, attempt.statusCode, attempt.error],
      );
    });
  }

  /** Ends a delivery without an attempt (its source or callback is gone). */
  async abandon(id: string, reason: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE callback_delivery SET status = 'failed', claimed_until = NULL, last_error = $2 WHERE id = $1`,
      [id, reason],
    );
  }

  /** Pending deliveries due for at least `graceMs`: their job may be lost (Redis lost it, a crash). */
  async overdue(
    graceMs: number,
    limit: number,
  ): Promise<Array<{ id: string; attempts: number; nextAttemptAt: Date }>> {
    const rows: Array<{ id: string; attempts: number; next_attempt_at: Date }> = await this.dataSource.query(
      `SELECT id::text, attempts, next_attempt_at FROM callback_delivery
        WHERE status = 'pending' AND next_attempt_at < now() - make_interval(secs => $1::double precision / 1000)
          AND (claimed_until IS NULL OR claimed_until < now())
        ORDER BY next_attempt_at LIMIT $2`,
      [graceMs, limit],
    );
    return rows.map((r) => ({ id: r.id, attempts: r.attempts, nextAttemptAt: r.next_attempt_at }));
  }

  /** A delivery an operator sends again: pending now, its retry schedule from the start. */
  async redeliver(sourceKey: string, id: string): Promise<{ id: string; attempts: number } | null> {
    const [rows]: [Array<{ id: string; attempts: number }>, number] = await this.dataSource.query(
      `UPDATE callback_delivery SET status = 'pending', retries = 0, next_attempt_at = now(), claimed_until = NULL
        WHERE id = $1 AND source_key = $2
        RETURNING id::text, attempts`,
      [id, sourceKey],
    );
    return rows[0] ?? null;
  }

  /** Deliveries of a source, newest first, each with every attempt. */
  async list(
    sourceKey: string,
    cursor: string | null,
    limit: number,
  ): Promise<{ items: DeliveryRow[]; nextCursor: string | null }> {
    const m = cursor ? CURSOR.exec(cursor) : null;
    const rows: Array<DeliverySqlRow & { cursor_us: string }> = await this.dataSource.query(
      `SELECT ${DELIVERY_COLUMNS}, (extract(epoch FROM d.created_at) * 1000000)::bigint::text AS cursor_us
         FROM callback_delivery d
        WHERE d.source_key = $1
          AND ($2::bigint IS NULL OR (d.created_at, d.id) < ('epoch'::timestamptz + $2::bigint * interval '1 microsecond', $3::uuid))
        ORDER BY d.created_at DESC, d.id DESC
        LIMIT $4`,
      [sourceKey, m ? m[1] : null, m ? m[2] : null, limit + 1],
    );
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: await this.withAttempts(page),
      nextCursor: rows.length > limit && last ? `${last.cursor_us}.${last.id}` : null,
    };
  }

  async get(sourceKey: string, id: string): Promise<DeliveryRow | null> {
    if (!/^[0-9a-f-]{36}$/.test(id)) return null;
    const rows: DeliverySqlRow[] = await this.dataSource.query(
      `SELECT ${DELIVERY_COLUMNS} FROM callback_delivery d WHERE d.id = $1 AND d.source_key = $2`,
      [id, sourceKey],
    );
    return (await this.withAttempts(rows))[0] ?? null;
  }

  /** Per source: the oldest undelivered delivery that has failed at least once, and when it first failed. */
  async failingSources(): Promise<
    Array<{ sourceKey: string; provinceCode: string; since: Date; pending: number }>
  > {
    const rows: Array<{ source_key: string; province_code: string; since: Date; pending: string }> =
      await this.dataSource.query(
        `SELECT d.source_key, s.province_code, min(d.first_failed_at) AS since, count(*)::text AS pending
           FROM callback_delivery d JOIN source s ON s.key = d.source_key
          WHERE d.status IN ('pending', 'failed') AND d.first_failed_at IS NOT NULL
            AND d.created_at > now() - interval '7 days'
          GROUP BY d.source_key, s.province_code`,
      );
    return rows.map((r) => ({
      sourceKey: r.source_key,
      provinceCode: r.province_code,
      since: r.since,
      pending: Number(r.pending),
    }));
  }

  private async withAttempts(rows: DeliverySqlRow[]): Promise<DeliveryRow[]> {
    if (rows.length === 0) return [];
    const attempts: Array<{
      delivery_id: string;
      attempt: number;
      manual: boolean;
      attempted_at: Date;
      duration_ms: number;
      status_code: number | null;
      error: string | null;
    }> = await this.dataSource.query(
      `SELECT delivery_id::text, attempt, manual, attempted_at, duration_ms, status_code, error
         FROM callback_attempt WHERE delivery_id = ANY($1::uuid[]) ORDER BY id`,
      [rows.map((r) => r.id)],
    );
    return rows.map((r) => ({
      id: r.id,
      sourceKey: r.source_key,
      type: r.event_type,
      status: r.status,
      attempts: r.attempts,
      createdAt: r.created_at,
      deliveredAt: r.delivered_at,
      nextAttemptAt: r.status === 'pending' ? r.next_attempt_at : null,
      lastStatusCode: r.last_status_code,
      lastError: r.last_error,
      attemptList: attempts
        .filter((a) => a.delivery_id === r.id)
        .map((a) => ({
          attempt: a.attempt,
          manual: a.manual,
          attemptedAt: a.attempted_at,
          durationMs: a.duration_ms,
          statusCode: a.status_code,
          error: a.error,
        })),
    }));
  }
}

interface DeliverySqlRow {
  id: string;
  source_key: string;
  event_type: CallbackEventName;
  status: DeliveryStatus;
  attempts: number;
  created_at: Date;
  delivered_at: Date | null;
  next_attempt_at: Date;
  last_status_code: number | null;
  last_error: string | null;
}

const DELIVERY_COLUMNS = `d.id::text, d.source_key, d.event_type, d.status, d.attempts, d.created_at, d.delivered_at,
  d.next_attempt_at, d.last_status_code, d.last_error`;
