import { type DataSource, type EntityManager } from 'typeorm';
import { FAILED_FILTER, LINKED_FILTER, type ReplayStatus } from './replay';

/** How far a replay run got (replay_run's progress columns). */
export interface ReplayProgress {
  /** Receipts put on the ingest queue so far (quarantined, rejected). */
  receiptsQueued: number;
  /** Failed versions put back to ready so far. */
  versionsRequeued: number;
  /** Failed versions left failed so far (a later version of their key is at the portal). */
  outdatedKept: number;
}

/** Puts a run's receipts on the ingest queue, one job each (idempotent per run and receipt). */
export type ReplayEnqueue = (
  run: { runId: string; status: 'quarantined' | 'rejected'; kind: string | null },
  receiptIds: string[],
) => Promise<void>;

interface RunRow {
  id: string;
  actor: string;
  status: ReplayStatus;
  source_key: string | null;
  kind: string | null;
  finding_code: string | null;
  received_from: Date | null;
  received_to: Date | null;
  state: string;
}

/** Records taken per batch: one short transaction (failed) or one bulk enqueue (the others). */
export const REPLAY_BATCH = 500;

/**
 * Does a replay run that ReplayPlanner stored (docs/pipeline.md, "Replay"), in bounded batches,
 * writing its progress to `replay_run` after each: `failed` versions go back to `ready` per batch of
 * keys, under the keys' row locks in the pipeline's order; `quarantined` and `rejected` are
 * re-judged by the ingest worker, one job per originating receipt, enqueued batch by batch in the
 * order the receipts first arrived (so versions keep their order) — receipts whose body was purged
 * are skipped (they were counted as expired when the run was asked for).
 */
export class ReplayRunner {
  constructor(
    private readonly dataSource: DataSource,
    private readonly enqueue: ReplayEnqueue,
    private readonly batchSize = REPLAY_BATCH,
  ) {}

  /** Runs `runId` to the end; a run already done answers its recorded progress. */
  async run(
    runId: string,
    onBatch: (p: ReplayProgress) => Promise<void> = async () => {},
  ): Promise<ReplayProgress> {
    // TypeORM answers an UPDATE … RETURNING as [rows, affected count].
    const [started] = await this.dataSource.query<[RunRow[], number]>(
      `UPDATE replay_run SET state = 'running', started_at = coalesce(started_at, now())
        WHERE id = $1 AND state IN ('queued', 'running')
       RETURNING id::text, actor, status, source_key, kind, finding_code, received_from, received_to, state`,
      [runId],
    );
    const run = started[0];
    if (!run) return this.progress(runId);
    try {
      if (run.status === 'failed') await this.requeueFailed(run, onBatch);
      else await this.queueReceipts(run, run.status, onBatch);
    } catch (error) {
      await this.dataSource.query(
        `UPDATE replay_run SET state = 'failed', error = $2, finished_at = now() WHERE id = $1`,
        [runId, (error as Error).message],
      );
      throw error;
    }
    await this.dataSource.query(`UPDATE replay_run SET state = 'done', finished_at = now() WHERE id = $1`, [
      runId,
    ]);
    return this.progress(runId);
  }

  private async progress(runId: string): Promise<ReplayProgress> {
    const [row]: ReplayProgress[] = await this.dataSource.query(
      `SELECT receipts_queued AS "receiptsQueued", versions_requeued AS "versionsRequeued", outdated_kept AS "outdatedKept"
         FROM replay_run WHERE id = $1`,
      [runId],
    );
    return row ?? { receiptsQueued: 0, versionsRequeued: 0, outdatedKept: 0 };
  }

  private async advance(runId: string, delta: ReplayProgress): Promise<ReplayProgress> {
    const [rows] = await this.dataSource.query<[ReplayProgress[], number]>(
      `UPDATE replay_run SET receipts_queued = receipts_queued + $2, versions_requeued = versions_requeued + $3,
              outdated_kept = outdated_kept + $4
        WHERE id = $1
       RETURNING receipts_queued AS "receiptsQueued", versions_requeued AS "versionsRequeued", outdated_kept AS "outdatedKept"`,
      [runId, delta.receiptsQueued, delta.versionsRequeued, delta.outdatedKept],
    );
    return rows[0];
  }

  /**
   * Walks the links to versions of the status in link order (keyset on receipt_record.id), skipping
   * links this run wrote itself; each batch's receipts, in first-seen order, go on the queue.
   */
  private async queueReceipts(
    run: RunRow,
    status: 'quarantined' | 'rejected',
    onBatch: (p: ReplayProgress) => Promise<void>,
  ): Promise<void> {
    let cursor = '0';
    let previous = new Set<string>();
    for (;;) {
      const rows: Array<{ link: string; receipt_id: string; expired: boolean }> = await this.dataSource.query(
        `SELECT rr.id::text AS link, rr.receipt_id::text AS receipt_id, r.body_purged_at IS NOT NULL AS expired
           FROM receipt_record rr
           JOIN record_version v ON v.id = rr.record_version_id
           JOIN receipt r ON r.id = rr.receipt_id
          WHERE v.status = $1 AND ($2::text IS NULL OR r.source_key = $2) AND ($3::text IS NULL OR rr.kind = $3)
            AND ${LINKED_FILTER}
            AND rr.id > $7 AND rr.replay_run IS DISTINCT FROM $8::uuid
          ORDER BY rr.id LIMIT $9`,
        [
          status,
          run.source_key,
          run.kind,
          run.finding_code,
          run.received_from,
          run.received_to,
          cursor,
          run.id,
          this.batchSize,
        ],
      );
      if (rows.length === 0) return;
      cursor = rows[rows.length - 1].link;
      // A receipt's links are mostly adjacent: the previous batch's receipts are not counted twice
      // (and would be one job anyway: job ids are per run and receipt).
      const batch = new Set<string>();
      for (const r of rows) if (!r.expired && !previous.has(r.receipt_id)) batch.add(r.receipt_id);
      if (batch.size > 0) await this.enqueue({ runId: run.id, status, kind: run.kind }, [...batch]);
      await onBatch(
        await this.advance(run.id, { receiptsQueued: batch.size, versionsRequeued: 0, outdatedKept: 0 }),
      );
      previous = batch;
      if (rows.length < this.batchSize) return;
    }
  }

  /** failed → ready, one transaction per batch of keys in byte order (the pipeline's lock order). */
  private async requeueFailed(run: RunRow, onBatch: (p: ReplayProgress) => Promise<void>): Promise<void> {
    let after: { kind: string; key: string } = { kind: '', key: '' };
    for (;;) {
      const keys: Array<{ kind: string; key: string }> = await this.dataSource.query(
        `SELECT DISTINCT v.kind COLLATE "C" AS kind, v.key COLLATE "C" AS key FROM record_version v
          WHERE ${FAILED_FILTER} AND (v.kind COLLATE "C", v.key COLLATE "C") > ($3::text COLLATE "C", $4::text COLLATE "C")
          ORDER BY 1, 2 LIMIT $5`,
        [run.source_key, run.kind, after.kind, after.key, this.batchSize],
      );
      if (keys.length === 0) return;
      after = keys[keys.length - 1];
      const delta = await this.dataSource.transaction((m) => this.requeueKeys(m, run, keys));
      await onBatch(await this.advance(run.id, delta));
      if (keys.length < this.batchSize) return;
    }
  }

  private async requeueKeys(
    m: EntityManager,
    run: RunRow,
    keys: Array<{ kind: string; key: string }>,
  ): Promise<ReplayProgress> {
    const params = [run.source_key, run.kind, JSON.stringify(keys)];
    const filter = `${FAILED_FILTER} AND (v.kind, v.key) IN (SELECT x.kind, x.key FROM jsonb_to_recordset($3::jsonb) AS x(kind text, key text))`;
    await m.query(
      `SELECT kind, key FROM record
        WHERE (kind, key) IN (SELECT x.kind, x.key FROM jsonb_to_recordset($1::jsonb) AS x(kind text, key text))
        ORDER BY kind COLLATE "C", key COLLATE "C"
        FOR UPDATE`,
      [params[2]],
    );
    // A failed version whose key already has a later version at the portal stays failed: resending
    // it would be counted as the portal's next version and replace newer content there.
    const outdatedIds = `SELECT v.id FROM record_version v
        WHERE ${filter}
          AND EXISTS (SELECT 1 FROM record_version later
                       WHERE later.kind = v.kind AND later.key = v.key
                         AND later.version > v.version AND later.status = 'synced')`;
    const outdated: Array<{ id: string }> = await m.query(outdatedIds, params);
    if (outdated.length > 0) {
      await m.query(
        `INSERT INTO record_status_history (record_version_id, status, reason)
         SELECT id, 'failed', $2 FROM unnest($1::bigint[]) AS id`,
        [
          outdated.map((o) => o.id),
          `not replayed by ${run.actor} in run ${run.id}: a later version of this key is already at the portal`,
        ],
      );
    }
    // TypeORM answers an UPDATE … RETURNING as [rows, affected count].
    const [updated] = await m.query<[Array<{ id: string; kind: string; key: string }>, number]>(
      `UPDATE record_version v SET status = 'ready', updated_at = now()
        WHERE ${filter} AND v.id NOT IN (${outdatedIds})
       RETURNING v.id::text AS id, v.kind, v.key`,
      params,
    );
    if (updated.length > 0) {
      await m.query(
        `INSERT INTO record_status_history (record_version_id, status, reason)
         SELECT id, 'ready', $2 FROM unnest($1::bigint[]) AS id`,
        [
          updated.map((u) => u.id),
          `replayed by ${run.actor} in run ${run.id}: back to ready, to be sent again`,
        ],
      );
      await m.query(
        `UPDATE record r SET status = 'ready', updated_at = now()
           FROM jsonb_to_recordset($1::jsonb) AS x(kind text, key text)
          WHERE r.kind = x.kind AND r.key = x.key AND r.status = 'failed'`,
        [JSON.stringify(updated.map((u) => ({ kind: u.kind, key: u.key })))],
      );
    }
    return { receiptsQueued: 0, versionsRequeued: updated.length, outdatedKept: outdated.length };
  }
}
