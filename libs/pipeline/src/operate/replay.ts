import { randomUUID } from 'node:crypto';
import { type DataSource, type EntityManager } from 'typeorm';
import { type AuditWriter } from './conflict-resolver';

export const REPLAY_STATUSES = ['quarantined', 'failed', 'rejected'] as const;
export type ReplayStatus = (typeof REPLAY_STATUSES)[number];

export interface ReplayRequest {
  status: ReplayStatus;
  sourceKey?: string | null;
  kind?: string | null;
  actor: string;
}

export interface ReplayRun {
  runId: string;
  /** Versions selected (quarantined/rejected: to re-judge; failed: put back to ready). */
  replayed: number;
  /** Receipts to re-run through the ingest queue (none for `failed`). */
  receipts: string[];
  /**
   * Receipts with records of that status whose body was purged after the retention period: they
   * cannot be read again, and are counted rather than queued (docs/pipeline.md, "Retention").
   */
  expired: number;
  /**
   * `failed` versions left as they are because a later version of their key is already at the
   * portal: sending the older content now would make it the portal's newest.
   */
  outdated: number;
}

/**
 * The operator's replay (docs/pipeline.md, "Replay"). `failed` versions go back to `ready` here, in
 * one transaction under their keys' row locks; `quarantined` and `rejected` are re-judged by the
 * ingest worker, one job per originating receipt, with the source's current mapping: this only
 * selects the receipts (and counts) and audits the run.
 */
export class ReplayPlanner {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditWriter,
  ) {}

  async prepare(req: ReplayRequest): Promise<ReplayRun> {
    const runId = randomUUID();
    return this.dataSource.transaction(async (m) => {
      const run =
        req.status === 'failed' ? await this.requeueFailed(m, req, runId) : await this.select(m, req, runId);
      await this.audit(
        {
          actor: req.actor,
          action: 'records.replay',
          target: runId,
          details: {
            status: req.status,
            sourceKey: req.sourceKey ?? null,
            kind: req.kind ?? null,
            replayed: run.replayed,
            receipts: run.receipts.length,
            outdated: run.outdated,
            expired: run.expired,
          },
        },
        m,
      );
      return run;
    });
  }

  private async select(m: EntityManager, req: ReplayRequest, runId: string): Promise<ReplayRun> {
    const rows: Array<{ receipt_id: string; versions: string[]; expired: boolean }> = await m.query(
      `SELECT rr.receipt_id, array_agg(DISTINCT v.id::text) AS versions, bool_or(r.body_purged_at IS NOT NULL) AS expired
         FROM receipt_record rr
         JOIN record_version v ON v.id = rr.record_version_id
         JOIN receipt r ON r.id = rr.receipt_id
        WHERE v.status = $1 AND ($2::text IS NULL OR r.source_key = $2) AND ($3::text IS NULL OR rr.kind = $3)
        GROUP BY rr.receipt_id
        ORDER BY min(rr.id)`,
      [req.status, req.sourceKey ?? null, req.kind ?? null],
    );
    const versions = new Set(rows.flatMap((r) => r.versions));
    return {
      runId,
      replayed: versions.size,
      receipts: rows.filter((r) => !r.expired).map((r) => r.receipt_id),
      outdated: 0,
      expired: rows.filter((r) => r.expired).length,
    };
  }

  /** failed → ready (sync picks them up again), under the keys' row locks in the pipeline's order. */
  private async requeueFailed(m: EntityManager, req: ReplayRequest, runId: string): Promise<ReplayRun> {
    const filter = `v.status = 'failed' AND ($1::text IS NULL OR v.source_key = $1) AND ($2::text IS NULL OR v.kind = $2)`;
    const params = [req.sourceKey ?? null, req.kind ?? null];
    await m.query(
      `SELECT kind, key FROM record
        WHERE (kind, key) IN (SELECT DISTINCT v.kind, v.key FROM record_version v WHERE ${filter})
        ORDER BY kind COLLATE "C", key COLLATE "C"
        FOR UPDATE`,
      params,
    );
    // A failed version whose key already has a later version at the portal stays failed: resending
    // it would be counted as the portal's next version and replace newer content there.
    const outdatedIds = `SELECT v.id FROM record_version v
        WHERE ${filter}
          AND EXISTS (SELECT 1 FROM record_version later
                       WHERE later.kind = v.kind AND later.key = v.key
                         AND later.version > v.version AND later.status = 'synced')`;
    const outdated: Array<{ id: string }> = await m.query(`${outdatedIds}`, params);
    if (outdated.length > 0) {
      await m.query(
        `INSERT INTO record_status_history (record_version_id, status, reason)
         SELECT id, 'failed', $2 FROM unnest($1::bigint[]) AS id`,
        [
          outdated.map((o) => o.id),
          `not replayed by ${req.actor} in run ${runId}: a later version of this key is already at the portal`,
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
          `replayed by ${req.actor} in run ${runId}: back to ready, to be sent again`,
        ],
      );
      await m.query(
        `UPDATE record r SET status = 'ready', updated_at = now()
           FROM jsonb_to_recordset($1::jsonb) AS x(kind text, key text)
          WHERE r.kind = x.kind AND r.key = x.key AND r.status = 'failed'`,
        [JSON.stringify(updated.map((u) => ({ kind: u.kind, key: u.key })))],
      );
    }
    return { runId, replayed: updated.length, receipts: [], outdated: outdated.length, expired: 0 };
  }
}
