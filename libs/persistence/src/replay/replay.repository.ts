import { type DataSource, type EntityManager } from 'typeorm';
import { type AuditEvent, type AuditService } from '../audit/audit.service';
import { type ProvinceScope, scopeParam } from '../scope/province-scope';
import { recordKeyOrderSql } from '../transaction';
import {
  type ReplayCounts,
  type ReplayFilter,
  type ReplayKey,
  type ReplayLink,
  type ReplayProgress,
  type StartedReplayRun,
} from './replay.types';

/** The `failed` versions a replay takes, over parameters $1 sourceKey and $2 kind. */
const FAILED_FILTER = `v.status = 'failed' AND ($1::text IS NULL OR v.source_key = $1) AND ($2::text IS NULL OR v.kind = $2)`;

/**
 * The bulk filter of quarantined and rejected replays, over parameters $4 finding code, $5 from and
 * $6 to (receipt `r`, version `v`): the same in the count and in the run, so the run takes what was
 * counted.
 */
const LINKED_FILTER = `($4::text IS NULL OR v.findings @> jsonb_build_array(jsonb_build_object('code', $4::text)))
  AND ($5::timestamptz IS NULL OR r.received_at >= $5::timestamptz)
  AND ($6::timestamptz IS NULL OR r.received_at < $6::timestamptz)`;

/** The bulk filter's parameters $4–$6. */
const linkedParams = (f: ReplayFilter): Array<string | Date | null> => [
  f.findingCode ?? null,
  f.receivedFrom ?? null,
  f.receivedTo ?? null,
];

const PROGRESS_COLUMNS = `receipts_queued AS "receiptsQueued", versions_requeued AS "versionsRequeued", outdated_kept AS "outdatedKept"`;

/**
 * The SQL of an operator's replay (`replay_run`, and what a run reads and writes of links, versions
 * and records): the adapter of libs/pipeline's `ReplayStore` port and of libs/jobs' `ReplayRunStore`
 * (runs to put back after a Redis loss). The one writer of `replay_run`: the operations repository
 * ends a cancelled run through `cancelled()`. What a run takes, in which order, and what it says in
 * each history row is the pipeline's (ReplayPlanner, ReplayRunner).
 */
export class PgReplayRepository {
  constructor(
    private readonly dataSource: DataSource,
    /** Writes the planner's audit entry in its transaction; only the planner's side needs it. */
    private readonly auditService: AuditService | null = null,
  ) {}

  /** Whether a source of this key is of a province in the scope (any source for the whole country). */
  async sourceInScope(sourceKey: string, scope: ProvinceScope): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM source WHERE key = $1 AND ($2::text[] IS NULL OR province_code = ANY($2::text[]))`,
      [sourceKey, scopeParam(scope)],
    );
    return rows.length > 0;
  }

  /** Runs the planner's `fn` in one transaction: the counts, the run and its audit entry commit together. */
  async transaction<T>(fn: (tx: PgReplayPlanTx) => Promise<T>): Promise<T> {
    const audit = this.auditService;
    return this.dataSource.transaction((m) => fn(new PgReplayPlanTx(m, audit)));
  }

  /** Marks a stored run running; null when it is unknown or already ended. */
  async start(runId: string): Promise<StartedReplayRun | null> {
    // TypeORM answers an UPDATE … RETURNING as [rows, affected count].
    const [started] = await this.dataSource.query<
      [
        Array<{
          id: string;
          actor: string;
          status: StartedReplayRun['status'];
          source_key: string | null;
          kind: string | null;
          finding_code: string | null;
          received_from: Date | null;
          received_to: Date | null;
        }>,
        number,
      ]
    >(
      `UPDATE replay_run SET state = 'running', started_at = coalesce(started_at, now())
        WHERE id = $1 AND state IN ('queued', 'running')
       RETURNING id::text, actor, status, source_key, kind, finding_code, received_from, received_to, state`,
      [runId],
    );
    const r = started[0];
    return r
      ? {
          id: r.id,
          actor: r.actor,
          status: r.status,
          sourceKey: r.source_key,
          kind: r.kind,
          findingCode: r.finding_code,
          receivedFrom: r.received_from,
          receivedTo: r.received_to,
        }
      : null;
  }

  async fail(runId: string, error: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE replay_run SET state = 'failed', error = $2, finished_at = now() WHERE id = $1`,
      [runId, error],
    );
  }

  async finish(runId: string): Promise<void> {
    await this.dataSource.query(`UPDATE replay_run SET state = 'done', finished_at = now() WHERE id = $1`, [
      runId,
    ]);
  }

  /**
   * The run follows its operation's cancel, so that the recovery never queues a cancelled run again
   * (and GET /v1/admin/replay/{runId} says so). The runner may have written `failed` with the cancel
   * as its error on its way out: that is the cancel too. A finished run stays done.
   */
  async cancelled(runId: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE replay_run SET state = 'cancelled', error = NULL, finished_at = coalesce(finished_at, now())
        WHERE id = $1 AND state <> 'done'`,
      [runId],
    );
  }

  /** Ids of runs stored as queued or running, older than `graceSeconds`, oldest first. */
  async unfinished(graceSeconds: number, limit: number): Promise<string[]> {
    const runs: Array<{ id: string }> = await this.dataSource.query(
      `SELECT id::text FROM replay_run
        WHERE state IN ('queued', 'running') AND created_at < now() - make_interval(secs => $1)
        ORDER BY created_at LIMIT $2`,
      [graceSeconds, limit],
    );
    return runs.map((r) => r.id);
  }

  async progress(runId: string): Promise<ReplayProgress | null> {
    const [row]: ReplayProgress[] = await this.dataSource.query(
      `SELECT ${PROGRESS_COLUMNS} FROM replay_run WHERE id = $1`,
      [runId],
    );
    return row ?? null;
  }

  /** Adds `delta` to the run's progress; answers the progress so far. */
  async advance(runId: string, delta: ReplayProgress): Promise<ReplayProgress> {
    const [rows] = await this.dataSource.query<[ReplayProgress[], number]>(
      `UPDATE replay_run SET receipts_queued = receipts_queued + $2, versions_requeued = versions_requeued + $3,
              outdated_kept = outdated_kept + $4
        WHERE id = $1
       RETURNING ${PROGRESS_COLUMNS}`,
      [runId, delta.receiptsQueued, delta.versionsRequeued, delta.outdatedKept],
    );
    return rows[0];
  }

  /**
   * Links to versions of the run's status after `after` in link order (keyset on receipt_record.id),
   * leaving out links the run wrote itself.
   */
  async links(run: StartedReplayRun, after: string, limit: number): Promise<ReplayLink[]> {
    const rows: Array<{ link: string; receipt_id: string; expired: boolean }> = await this.dataSource.query(
      `SELECT rr.id::text AS link, rr.receipt_id::text AS receipt_id, r.body_purged_at IS NOT NULL AS expired
         FROM receipt_record rr
         JOIN record_version v ON v.id = rr.record_version_id
         JOIN receipt r ON r.id = rr.receipt_id
        WHERE v.status = $1 AND ($2::text IS NULL OR r.source_key = $2) AND ($3::text IS NULL OR rr.kind = $3)
          AND ${LINKED_FILTER}
          AND rr.id > $7 AND rr.replay_run IS DISTINCT FROM $8::uuid
        ORDER BY rr.id LIMIT $9`,
      [run.status, run.sourceKey, run.kind, ...linkedParams(run), after, run.id, limit],
    );
    return rows.map((r) => ({ link: r.link, receiptId: r.receipt_id, expired: r.expired }));
  }

  /** Keys with `failed` versions of the filter after `after`, in the lock order of `record` rows. */
  async failedKeys(filter: ReplayFilter, after: ReplayKey, limit: number): Promise<ReplayKey[]> {
    return this.dataSource.query(
      `SELECT DISTINCT v.kind COLLATE "C" AS kind, v.key COLLATE "C" AS key FROM record_version v
        WHERE ${FAILED_FILTER} AND (v.kind COLLATE "C", v.key COLLATE "C") > ($3::text COLLATE "C", $4::text COLLATE "C")
        ORDER BY 1, 2 LIMIT $5`,
      [filter.sourceKey, filter.kind, after.kind, after.key, limit],
    );
  }

  /**
   * In one transaction under the keys' row locks: the filter's `failed` versions of these keys go
   * back to `ready` (history `reasons.requeued`, and their record too), except those whose key
   * already has a later version at the portal, which stay `failed` (history `reasons.outdated`).
   */
  async requeueFailed(
    filter: ReplayFilter,
    keys: ReplayKey[],
    reasons: { requeued: string; outdated: string },
  ): Promise<{ versionsRequeued: number; outdatedKept: number }> {
    return this.dataSource.transaction(async (m) => {
      const params = [filter.sourceKey, filter.kind, JSON.stringify(keys)];
      const inKeys = `${FAILED_FILTER} AND (v.kind, v.key) IN (SELECT x.kind, x.key FROM jsonb_to_recordset($3::jsonb) AS x(kind text, key text))`;
      await m.query(
        `SELECT kind, key FROM record
          WHERE (kind, key) IN (SELECT x.kind, x.key FROM jsonb_to_recordset($1::jsonb) AS x(kind text, key text))
          ORDER BY ${recordKeyOrderSql()}
          FOR UPDATE`,
        [params[2]],
      );
      const outdatedIds = `SELECT v.id FROM record_version v
          WHERE ${inKeys}
            AND EXISTS (SELECT 1 FROM record_version later
                         WHERE later.kind = v.kind AND later.key = v.key
                           AND later.version > v.version AND later.status = 'synced')`;
      const outdated: Array<{ id: string }> = await m.query(outdatedIds, params);
      if (outdated.length > 0) {
        await m.query(
          `INSERT INTO record_status_history (record_version_id, status, reason)
           SELECT id, 'failed', $2 FROM unnest($1::bigint[]) AS id`,
          [outdated.map((o) => o.id), reasons.outdated],
        );
      }
      // TypeORM answers an UPDATE … RETURNING as [rows, affected count].
      const [updated] = await m.query<[Array<{ id: string; kind: string; key: string }>, number]>(
        `UPDATE record_version v SET status = 'ready', updated_at = now()
          WHERE ${inKeys} AND v.id NOT IN (${outdatedIds})
         RETURNING v.id::text AS id, v.kind, v.key`,
        params,
      );
      if (updated.length > 0) {
        await m.query(
          `INSERT INTO record_status_history (record_version_id, status, reason)
           SELECT id, 'ready', $2 FROM unnest($1::bigint[]) AS id`,
          [updated.map((u) => u.id), reasons.requeued],
        );
        await m.query(
          `UPDATE record r SET status = 'ready', updated_at = now()
             FROM jsonb_to_recordset($1::jsonb) AS x(kind text, key text)
            WHERE r.kind = x.kind AND r.key = x.key AND r.status = 'failed'`,
          [JSON.stringify(updated.map((u) => ({ kind: u.kind, key: u.key })))],
        );
      }
      return { versionsRequeued: updated.length, outdatedKept: outdated.length };
    });
  }
}

/** The planner's transaction: what the filter matches, the stored run, its audit entry. */
export class PgReplayPlanTx {
  constructor(
    private readonly m: EntityManager,
    private readonly auditService: AuditService | null,
  ) {}

  /** Quarantined or rejected: versions linked from receipts, those receipts, and the purged ones. */
  async countLinked(filter: ReplayFilter): Promise<ReplayCounts> {
    const [row]: Array<{ versions: number; receipts: number; expired: number }> = await this.m.query(
      `SELECT count(DISTINCT v.id)::int AS versions,
              count(DISTINCT rr.receipt_id) FILTER (WHERE r.body_purged_at IS NULL)::int AS receipts,
              count(DISTINCT rr.receipt_id) FILTER (WHERE r.body_purged_at IS NOT NULL)::int AS expired
         FROM receipt_record rr
         JOIN record_version v ON v.id = rr.record_version_id
         JOIN receipt r ON r.id = rr.receipt_id
        WHERE v.status = $1 AND ($2::text IS NULL OR r.source_key = $2) AND ($3::text IS NULL OR rr.kind = $3)
          AND ${LINKED_FILTER}`,
      [filter.status, filter.sourceKey, filter.kind, ...linkedParams(filter)],
    );
    return { replayed: row.versions, receipts: row.receipts, outdated: 0, expired: row.expired };
  }

  /** Failed: versions to put back to ready, and those a later synced version makes outdated. */
  async countFailed(filter: ReplayFilter): Promise<ReplayCounts> {
    const [row]: Array<{ replayed: number; outdated: number }> = await this.m.query(
      `SELECT count(*) FILTER (WHERE NOT outdated)::int AS replayed, count(*) FILTER (WHERE outdated)::int AS outdated
         FROM (SELECT EXISTS (SELECT 1 FROM record_version later
                               WHERE later.kind = v.kind AND later.key = v.key
                                 AND later.version > v.version AND later.status = 'synced') AS outdated
                 FROM record_version v
                WHERE ${FAILED_FILTER}) x`,
      [filter.sourceKey, filter.kind],
    );
    return { replayed: row.replayed, receipts: 0, outdated: row.outdated, expired: 0 };
  }

  /** Stores the run, state `queued`. */
  async insertRun(run: { id: string; actor: string } & ReplayFilter, counts: ReplayCounts): Promise<void> {
    await this.m.query(
      `INSERT INTO replay_run (id, actor, status, source_key, kind, matched, receipts, outdated, expired,
                               finding_code, received_from, received_to)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        run.id,
        run.actor,
        run.status,
        run.sourceKey,
        run.kind,
        counts.replayed,
        counts.receipts,
        counts.outdated,
        counts.expired,
        ...linkedParams(run),
      ],
    );
  }

  async audit(event: AuditEvent): Promise<void> {
    if (!this.auditService) throw new Error('PgReplayRepository was built without an AuditService');
    await this.auditService.record(event, this.m);
  }
}
