import { type DataSource, type EntityManager } from 'typeorm';
import { recordKeyOrderSql, retryingTransaction } from '../transaction';
import {
  type BatchItem,
  type BatchRef,
  type DueBatch,
  type ItemOutcome,
  type PackedClaim,
  type SyncCandidate,
  type SyncClaimLimits,
  type SyncTarget,
} from './sync-batch.types';
import { TARGET_SQL } from './sync-target.sql';

/**
 * `record` rows of the (kind, key) pairs in $1 (kinds) and $2 (keys), as a join from the pairs:
 * PostgreSQL probes the primary key once per pair on a large table and hashes a small one. (The
 * former `kind = ANY($1) AND key = ANY($2)` lists took the primary key on a small table, but with
 * a million records held the planner scanned the whole table for every batch: 0.3–0.7 s a
 * statement, docs/BENCHMARKS.md "Held data".)
 */
const RECORDS_OF_PAIRS = (alias: string): string =>
  `unnest($1::text[], $2::text[]) AS wanted(kind, key)
   JOIN record ${alias} ON ${alias}.kind = wanted.kind AND ${alias}.key = wanted.key`;

/**
 * The sync's PostgreSQL side (`sync_batch`, `sync_claim`, and what a batch's answers write on
 * versions, `record_sync` and `record`): claiming versions into batches, taking over batches whose
 * sender died, and writing what the portal answered. Every claim and acknowledgement is one
 * transaction. Which versions go together and what each becomes is the sync's (libs/jobs/src/sync).
 */
export class PgSyncBatchRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly limits: SyncClaimLimits,
  ) {}

  /**
   * Provinces and targets with unclaimed ready versions or pending batches that are due. For a
   * target with no portal configured, only versions not yet marked unsendable count (they are
   * marked once, then wait quietly until a portal is configured).
   */
  async provincesWithWork(
    targetsWithoutPortal: SyncTarget[] = [],
  ): Promise<Array<{ provinceCode: string; target: SyncTarget }>> {
    return this.dataSource.query(
      `SELECT DISTINCT s.province_code AS "provinceCode", ${TARGET_SQL} AS target
         FROM source s
        WHERE EXISTS (SELECT 1 FROM record_version rv
                       WHERE rv.source_key = s.key AND rv.status = 'ready'
                         AND NOT EXISTS (SELECT 1 FROM sync_claim c WHERE c.record_version_id = rv.id)
                         AND (rv.sync_error IS NULL OR NOT (${TARGET_SQL} = ANY($1::text[]))))
       UNION
       SELECT province_code, target FROM sync_batch
        WHERE status = 'pending' AND next_attempt_at <= now() AND (lease_until IS NULL OR lease_until < now())`,
      [targetsWithoutPortal],
    );
  }

  /**
   * Versions of `testing` sources while no sandbox portal is configured stay `ready`; each gets one
   * history row saying why, the first time it is seen. Returns how many were newly marked.
   */
  async markUnsendable(provinceCode: string, target: SyncTarget, reason: string): Promise<number> {
    const rows: unknown[] = await this.dataSource.query(
      `WITH marked AS (
         UPDATE record_version rv SET sync_error = jsonb_build_object('code', 'NO_PORTAL', 'message', $3::text),
                updated_at = now()
           FROM source s
          WHERE s.key = rv.source_key AND rv.status = 'ready'
            AND NOT EXISTS (SELECT 1 FROM sync_claim c WHERE c.record_version_id = rv.id)
            AND rv.sync_error IS NULL AND s.province_code = $1 AND ${TARGET_SQL} = $2
          RETURNING rv.id)
       INSERT INTO record_status_history (record_version_id, status, reason)
       SELECT id, 'ready', $3 FROM marked RETURNING record_version_id`,
      [provinceCode, target, reason],
    );
    return rows.length;
  }

  /**
   * Claims the next batch of a province and target: the oldest ready versions, only the lowest
   * unsent version of each key (and none of a key with a version already claimed), up to
   * `maxRecords`, under a per-(province, target) advisory lock and the records' row locks (SKIP
   * LOCKED: a key the pipeline is writing waits for the next round). `pack` chooses the batch among
   * the candidates; the versions it finds too large become `failed` on the spot. Null when nothing
   * is due (or a smaller batch should linger).
   */
  async claim<P extends PackedClaim>(
    provinceCode: string,
    target: SyncTarget,
    pack: (candidates: SyncCandidate[]) => P,
  ): Promise<(P & { id: string }) | null> {
    return this.transaction(async (m) => {
      const [{ ok }]: Array<{ ok: boolean }> = await m.query(
        `SELECT pg_try_advisory_xact_lock(hashtext('txng-sync'), hashtext($1::text || ':' || $2::text)) AS ok`,
        [provinceCode, target],
      );
      if (!ok) return null;
      const candidates: Array<{
        id: string;
        kind: SyncCandidate['kind'];
        key: string;
        version: number;
        content_hash: string;
        data: unknown;
        lingered: boolean;
      }> = await m.query(
        // Per source of the province, the oldest unclaimed ready versions in id order, stopping at
        // the limit, then merged: other provinces' backlog is never read. The planner reads the
        // partial index (source_key, id) WHERE status = 'ready' while ready versions are a small
        // part of the table, the primary key from the start otherwise (docs/sync.md).
        // The "no earlier ready version" probe reads the key's own versions: `IS TRUE` keeps the
        // planner off the partial ready indexes there, one of which (source_key, id) it took when
        // its statistics said few versions were ready, scanning every ready version of the source
        // for each candidate: 3 s a batch with 1,000,000 records held and 5,000 ready, against
        // 33 ms (docs/BENCHMARKS.md, "Held data").
        `SELECT c.* FROM source s
           CROSS JOIN LATERAL (
             SELECT rv.id, rv.kind, rv.key, rv.version, rv.content_hash, rv.data,
                    rv.created_at <= now() - make_interval(secs => $4::double precision / 1000) AS lingered
               FROM record_version rv
              WHERE rv.source_key = s.key AND rv.status = 'ready'
                AND NOT EXISTS (SELECT 1 FROM sync_claim sc WHERE sc.record_version_id = rv.id)
                AND NOT EXISTS (SELECT 1 FROM record_version p
                                 WHERE p.kind = rv.kind AND p.key = rv.key AND p.version < rv.version
                                   AND (p.status = 'ready') IS TRUE)
              ORDER BY rv.id
              LIMIT $3) c
          WHERE s.province_code = $1 AND ${TARGET_SQL} = $2
          ORDER BY c.id
          LIMIT $3`,
        [provinceCode, target, this.limits.maxRecords, this.limits.lingerMs],
      );
      if (candidates.length === 0) return null;
      if (candidates.length < this.limits.maxRecords && !candidates.some((c) => c.lingered)) return null;

      const locked: Array<{ kind: string; key: string; portal_version: number }> = await m.query(
        `SELECT r.kind, r.key, COALESCE(rs.portal_version, 0) AS portal_version
           FROM ${RECORDS_OF_PAIRS('r')}
           LEFT JOIN record_sync rs ON rs.kind = r.kind AND rs.key = r.key AND rs.target = $3
          ORDER BY ${recordKeyOrderSql('r')}
          FOR UPDATE OF r SKIP LOCKED`,
        [candidates.map((c) => c.kind), candidates.map((c) => c.key), target],
      );
      const portalVersions = new Map(locked.map((l) => [`${l.kind}\u0000${l.key}`, l.portal_version]));
      const lockedCandidates: SyncCandidate[] = [];
      for (const c of candidates) {
        const held = portalVersions.get(`${c.kind}\u0000${c.key}`);
        if (held === undefined) continue;
        lockedCandidates.push({
          id: c.id,
          kind: c.kind,
          key: c.key,
          version: c.version,
          contentHash: c.content_hash,
          data: c.data,
          heldPortalVersion: held,
        });
      }
      const packed = pack(lockedCandidates);
      if (packed.tooLarge.length > 0)
        await this.writeOutcomes(m, null, packed.tooLarge, target, provinceCode);
      const items = packed.items;
      if (items.length === 0) return null;

      const [batch]: Array<{ id: string }> = await m.query(
        `INSERT INTO sync_batch (province_code, target, idempotency_key, items, record_count, attempts, lease_until)
         VALUES ($1, $2, $3, $4::jsonb, $5, 1, now() + make_interval(secs => $6::double precision / 1000))
         RETURNING id`,
        [
          provinceCode,
          target,
          packed.idempotencyKey,
          JSON.stringify(items),
          items.length,
          this.limits.leaseMs,
        ],
      );
      // The claim is a row of the narrow sync_claim, not an update of record_version (whose 13
      // indexes would each take a new entry per version): see the migration 1764255600000.
      const claimedRows: Array<{ id: string }> = await m.query(
        `INSERT INTO sync_claim (record_version_id, sync_batch_id)
         SELECT rv.id, $1 FROM record_version rv
          WHERE rv.id = ANY($2::bigint[]) AND rv.status = 'ready'
         ON CONFLICT (record_version_id) DO NOTHING
         RETURNING record_version_id AS id`,
        [batch.id, items.map((i) => i.id)],
      );
      if (claimedRows.length !== items.length)
        throw new Error(`claim of batch ${batch.id} raced: ${claimedRows.length}/${items.length}`);
      return { ...packed, id: String(batch.id) };
    });
  }

  /**
   * Pending batches of a province and target that are due and whose lease ran out (never sent
   * after a deferral, or their sender died): leased to this worker, with the data of their
   * versions, so the batch can be rebuilt exactly as first claimed. A batch one of whose versions
   * changed meanwhile is given up (its versions go back to the queue) and not returned.
   */
  async takeDue(provinceCode: string, target: SyncTarget, limit: number): Promise<DueBatch[]> {
    const [rows]: [
      Array<{ id: string; idempotency_key: string; items: BatchItem[]; attempts: number }>,
      number,
    ] = await this.dataSource.query(
      `UPDATE sync_batch b
            SET lease_until = now() + make_interval(secs => $4::double precision / 1000), attempts = b.attempts + 1
          WHERE b.id IN (SELECT id FROM sync_batch
                          WHERE status = 'pending' AND province_code = $1 AND target = $2
                            AND next_attempt_at <= now() AND (lease_until IS NULL OR lease_until < now())
                          ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED)
          RETURNING b.id, b.idempotency_key, b.items, b.attempts`,
      [provinceCode, target, limit, this.limits.leaseMs],
    );
    const batches: DueBatch[] = [];
    for (const row of rows.sort((a, b) => Number(a.id) - Number(b.id))) {
      const ids = row.items.map((i) => i.id);
      const versions: Array<{ id: string; data: unknown; status: string; sync_batch_id: string | null }> =
        await this.dataSource.query(
          `SELECT rv.id, rv.data, rv.status, c.sync_batch_id
             FROM record_version rv LEFT JOIN sync_claim c ON c.record_version_id = rv.id
            WHERE rv.id = ANY($1::bigint[])`,
          [ids],
        );
      const byId = new Map(versions.map((v) => [String(v.id), v]));
      const intact = row.items.every((i) => {
        const v = byId.get(String(i.id));
        return v && v.status === 'ready' && String(v.sync_batch_id) === String(row.id);
      });
      if (!intact) {
        // Someone changed a claimed version (an operator, a bug): the body cannot be rebuilt, so the
        // batch is given up and whatever is still claimed goes back to the queue under a new batch.
        await this.abandon(String(row.id), 'a claimed version changed before the batch was acknowledged');
        continue;
      }
      batches.push({
        id: String(row.id),
        idempotencyKey: row.idempotency_key,
        attempts: row.attempts,
        items: row.items,
        dataOf: new Map(versions.map((v) => [String(v.id), v.data])),
      });
    }
    return batches;
  }

  /**
   * Writes the portal's answers: versions, their history, what each target holds per key
   * (`record_sync`, and the production columns of `record`), and closes the batch. A batch that is
   * no longer pending (another worker acknowledged the same replay) is left alone: false.
   */
  async acknowledge(
    batch: BatchRef,
    outcomes: ItemOutcome[],
    result: { portalBatchIds: string[]; replayed: boolean; summary: Record<string, number> },
  ): Promise<boolean> {
    return this.close(batch, outcomes, (m) =>
      m.query(
        `UPDATE sync_batch SET status = 'done', finished_at = now(), lease_until = NULL, results = $2::jsonb,
                portal_batch_ids = $3::jsonb, replayed = $4, last_error = NULL
          WHERE id = $1`,
        [batch.id, JSON.stringify(result.summary), JSON.stringify(result.portalBatchIds), result.replayed],
      ),
    );
  }

  /**
   * The heartbeat of batches being worked: their leases start again from now. Only a lease still
   * held is renewed (a deferred, acknowledged or failed batch has none), and a batch another
   * worker took over is left to it. Returns how many were renewed.
   */
  async renewLeases(batchIds: string[]): Promise<number> {
    const [, renewed]: [unknown, number] = await this.dataSource.query(
      `UPDATE sync_batch SET lease_until = now() + make_interval(secs => $2::double precision / 1000)
        WHERE id = ANY($1::bigint[]) AND status = 'pending' AND lease_until IS NOT NULL`,
      [batchIds, this.limits.leaseMs],
    );
    return renewed;
  }

  /** A retryable failure: the batch stays claimed, its records `ready`, and is re-sent after `delayMs`. */
  async defer(
    batchId: string,
    delayMs: number,
    error: Record<string, unknown>,
    countAttempt: boolean,
  ): Promise<void> {
    await this.dataSource.query(
      `UPDATE sync_batch SET lease_until = NULL, last_error = $2::jsonb,
              next_attempt_at = now() + make_interval(secs => $3::double precision / 1000),
              attempts = CASE WHEN $4 THEN attempts ELSE GREATEST(attempts - 1, 0) END
        WHERE id = $1 AND status = 'pending'`,
      [batchId, JSON.stringify(error), delayMs, countAttempt],
    );
  }

  /**
   * A permanent failure: the batch is closed as failed and its versions take `outcomes` (each
   * `failed`, replayable). False when the batch was no longer pending.
   */
  async fail(
    batch: BatchRef,
    outcomes: ItemOutcome[],
    error: { code: string; message: string },
  ): Promise<boolean> {
    return this.close(batch, outcomes, (m) =>
      m.query(
        `UPDATE sync_batch SET status = 'failed', finished_at = now(), lease_until = NULL, last_error = $2::jsonb
          WHERE id = $1`,
        [batch.id, JSON.stringify(error)],
      ),
    );
  }

  /** Counts for metrics: ready versions (claimed or not) and pending batches. */
  async backlog(): Promise<{ ready: number; pendingBatches: number }> {
    const [row]: Array<{ ready: number; pending: number }> = await this.dataSource.query(
      `SELECT (SELECT count(*) FROM record_version WHERE status = 'ready')::int AS ready,
              (SELECT count(*) FROM sync_batch WHERE status = 'pending')::int AS pending`,
    );
    return { ready: row.ready, pendingBatches: row.pending };
  }

  /**
   * Writes a batch's outcomes and closes it with `closing`, in one transaction under the batch's
   * row lock; false (nothing written) when the batch is no longer pending.
   */
  private async close(
    batch: BatchRef,
    outcomes: ItemOutcome[],
    closing: (m: EntityManager) => Promise<unknown>,
  ): Promise<boolean> {
    return this.transaction(async (m) => {
      const [row]: Array<{ status: string }> = await m.query(
        `SELECT status FROM sync_batch WHERE id = $1 FOR UPDATE`,
        [batch.id],
      );
      if (!row || row.status !== 'pending') return false;
      await this.writeOutcomes(m, batch, outcomes, batch.target, batch.provinceCode);
      await closing(m);
      return true;
    });
  }

  private async abandon(batchId: string, reason: string): Promise<void> {
    await this.transaction(async (m) => {
      await m.query(
        `UPDATE sync_batch SET status = 'failed', finished_at = now(), lease_until = NULL,
                last_error = jsonb_build_object('code', 'BATCH_ABANDONED', 'message', $2::text)
          WHERE id = $1 AND status = 'pending'`,
        [batchId, reason],
      );
      // The sends tried count for the versions, which go back to the queue unclaimed (takeDue
      // counted the take-over that found the batch changed, which sent nothing: minus one).
      await m.query(
        `UPDATE record_version rv SET sync_attempts = rv.sync_attempts + GREATEST(b.attempts - 1, 0), updated_at = now()
           FROM sync_claim c JOIN sync_batch b ON b.id = c.sync_batch_id
          WHERE c.sync_batch_id = $1 AND rv.id = c.record_version_id AND rv.status = 'ready'`,
        [batchId],
      );
      await m.query(`DELETE FROM sync_claim WHERE sync_batch_id = $1`, [batchId]);
    });
  }

  /**
   * Applies outcomes under the records' row locks (byte order, as the pipeline takes them).
   * Versions are only touched while still `ready` and claimed by this batch (or unclaimed, for
   * records failed at claim time, `batch` null), so a second acknowledgement changes nothing. The
   * batch's claims are released in the same transaction. What the claim used to write on the
   * version (portal version sent as, target, batch, sends tried) is written here, once.
   */
  private async writeOutcomes(
    m: EntityManager,
    batch: BatchRef | null,
    outcomes: ItemOutcome[],
    target: SyncTarget,
    provinceCode: string,
  ): Promise<void> {
    if (outcomes.length === 0) {
      if (batch) await m.query(`DELETE FROM sync_claim WHERE sync_batch_id = $1`, [batch.id]);
      return;
    }
    await m.query(
      `SELECT 1 FROM ${RECORDS_OF_PAIRS('r')}
        ORDER BY ${recordKeyOrderSql('r')} FOR UPDATE`,
      [outcomes.map((o) => o.kind), outcomes.map((o) => o.key)],
    );
    const sentAs = new Map((batch?.items ?? []).map((i) => [String(i.id), i.portalVersion]));
    const rows = outcomes.map((o) => ({
      id: o.id,
      kind: o.kind,
      key: o.key,
      status: o.status,
      reason: o.reason,
      portal_id: o.portalId ?? null,
      portal_version: o.portalVersion ?? null,
      content_hash: o.contentHash ?? null,
      error: o.error ?? null,
      finding: o.finding ?? null,
      sent_version: sentAs.get(String(o.id)) ?? null,
    }));
    // UPDATE answers [rows, rowCount] through TypeORM.
    const [changed]: [Array<{ id: string; version: number }>, number] = await m.query(
      `UPDATE record_version rv
          SET status = x.status,
              portal_id = COALESCE(x.portal_id, rv.portal_id),
              portal_version = CASE WHEN x.status = 'synced' THEN COALESCE(x.portal_version, x.sent_version, rv.portal_version)
                                    ELSE COALESCE(x.sent_version, rv.portal_version) END,
              synced_at = CASE WHEN x.status = 'synced' THEN now() ELSE rv.synced_at END,
              sync_error = x.error,
              findings = CASE WHEN x.finding IS NULL THEN rv.findings ELSE rv.findings || jsonb_build_array(x.finding) END,
              sync_batch_id = CASE WHEN x.status IN ('ready', 'failed') THEN NULL ELSE $2::bigint END,
              sync_attempts = rv.sync_attempts + $4::int,
              sync_target = $3,
              updated_at = now()
         FROM jsonb_to_recordset($1::jsonb)
              AS x(id bigint, status text, portal_id text, portal_version int, error jsonb, finding jsonb, sent_version int)
        WHERE rv.id = x.id AND rv.status = 'ready'
          AND (SELECT c.sync_batch_id FROM sync_claim c WHERE c.record_version_id = rv.id) IS NOT DISTINCT FROM $2::bigint
        RETURNING rv.id, rv.version`,
      [JSON.stringify(rows), batch?.id ?? null, target, batch?.attempts ?? 0],
    );
    if (batch) await m.query(`DELETE FROM sync_claim WHERE sync_batch_id = $1`, [batch.id]);
    const done = new Set(changed.map((c) => String(c.id)));
    const applied = rows.filter((r) => done.has(String(r.id)));
    if (applied.length === 0) return;
    const versionOf = new Map(changed.map((c) => [String(c.id), c.version]));
    await m.query(
      `INSERT INTO record_status_history (record_version_id, status, reason)
       SELECT id, status, reason FROM jsonb_to_recordset($1::jsonb) AS x(id bigint, status text, reason text)`,
      [JSON.stringify(applied.map((r) => ({ id: r.id, status: r.status, reason: r.reason })))],
    );
    // What the target now holds of each key: set by synced versions, and adopted from a stale
    // answer (the portal holds a higher version than the hub counted).
    const held = applied
      .filter((r) => r.portal_version !== null && (r.status === 'synced' || r.status === 'ready'))
      .map((r) => ({
        kind: r.kind,
        key: r.key,
        portal_version: r.portal_version,
        portal_id: r.portal_id,
        synced: r.status === 'synced',
        version: versionOf.get(String(r.id)),
        content_hash: r.status === 'synced' ? r.content_hash : null,
      }));
    if (held.length === 0) return;
    await m.query(
      `INSERT INTO record_sync AS rs (kind, key, target, province_code, portal_version, portal_id, synced_version,
                                     content_hash, synced_at)
       SELECT x.kind, x.key, $2, $3, x.portal_version, x.portal_id,
              CASE WHEN x.synced THEN x.version END, x.content_hash, CASE WHEN x.synced THEN now() END
         FROM jsonb_to_recordset($1::jsonb)
              AS x(kind text, key text, portal_version int, portal_id text, synced boolean, version int, content_hash text)
       ON CONFLICT (kind, key, target) DO UPDATE
          SET province_code = EXCLUDED.province_code,
              portal_version = EXCLUDED.portal_version,
              portal_id = COALESCE(EXCLUDED.portal_id, rs.portal_id),
              synced_version = CASE WHEN EXCLUDED.synced_version IS NULL THEN rs.synced_version
                                    ELSE GREATEST(COALESCE(rs.synced_version, 0), EXCLUDED.synced_version) END,
              content_hash = CASE WHEN EXCLUDED.synced_at IS NULL THEN NULL ELSE EXCLUDED.content_hash END,
              synced_at = COALESCE(EXCLUDED.synced_at, rs.synced_at),
              updated_at = now()`,
      [JSON.stringify(held), target, provinceCode],
    );
    if (target !== 'production') return;
    await m.query(
      `UPDATE record r
          SET portal_version = x.portal_version,
              portal_id = COALESCE(x.portal_id, r.portal_id),
              synced_version = CASE WHEN x.synced THEN GREATEST(COALESCE(r.synced_version, 0), x.version)
                                    ELSE r.synced_version END,
              status = CASE WHEN x.synced AND x.version >= r.latest_version AND r.status = 'ready' THEN 'synced'
                            ELSE r.status END,
              updated_at = now()
         FROM jsonb_to_recordset($1::jsonb) AS x(kind text, key text, portal_version int, portal_id text,
                                                 synced boolean, version int)
        WHERE r.kind = x.kind AND r.key = x.key AND r.kind = ANY($2::text[]) AND r.key = ANY($3::text[])`,
      [JSON.stringify(held), [...new Set(held.map((h) => h.kind))], held.map((h) => h.key)],
    );
  }

  private async transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return retryingTransaction(this.dataSource, work);
  }
}
