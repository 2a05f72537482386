import { randomUUID } from 'node:crypto';
import { type DataSource, type EntityManager } from 'typeorm';
import { type AuditWriter } from './conflict-resolver';

export const REPLAY_STATUSES = ['quarantined', 'failed', 'rejected'] as const;
export type ReplayStatus = (typeof REPLAY_STATUSES)[number];

export interface ReplayRequest {
  status: ReplayStatus;
  sourceKey?: string | null;
  kind?: string | null;
  /** quarantined/rejected only: receipts holding a version with a finding of this code. */
  findingCode?: string | null;
  /** quarantined/rejected only: receipts received at or after this time… */
  receivedFrom?: Date | null;
  /** …and before this one. */
  receivedTo?: Date | null;
  actor: string;
}

/**
 * The bulk filter of quarantined and rejected replays, over parameters $4 finding code, $5 from and
 * $6 to (receipt `r`, version `v`): the same in the count and in the run, so the run takes what was
 * counted.
 */
export const LINKED_FILTER = `($4::text IS NULL OR v.findings @> jsonb_build_array(jsonb_build_object('code', $4::text)))
  AND ($5::timestamptz IS NULL OR r.received_at >= $5::timestamptz)
  AND ($6::timestamptz IS NULL OR r.received_at < $6::timestamptz)`;

/** What a replay matched when it was asked for (the answer of POST /v1/admin/replay). */
export interface ReplayRun {
  runId: string;
  /** Versions matched (quarantined/rejected: to re-judge; failed: to put back to ready). */
  replayed: number;
  /** Receipts to re-run through the ingest queue (0 for `failed`). */
  receipts: number;
  /**
   * `failed` versions to be left as they are because a later version of their key is already at
   * the portal: sending the older content now would make it the portal's newest.
   */
  outdated: number;
  /**
   * Receipts with records of that status whose body was purged after the retention period: they
   * cannot be read again, and are counted rather than queued (docs/pipeline.md, "Retention").
   */
  expired: number;
}

/**
 * The operator's replay, asked for (docs/pipeline.md, "Replay"): counts what the filter matches,
 * stores the run (`replay_run`, state `queued`) and audits it, in one transaction. The work itself is
 * a job (ReplayRunner), so that the request answers at once whatever the number of records.
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
        req.status === 'failed'
          ? await this.countFailed(m, req, runId)
          : await this.countLinked(m, req, runId);
      await m.query(
        `INSERT INTO replay_run (id, actor, status, source_key, kind, matched, receipts, outdated, expired,
                                 finding_code, received_from, received_to)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        [
          runId,
          req.actor,
          req.status,
          req.sourceKey ?? null,
          req.kind ?? null,
          run.replayed,
          run.receipts,
          run.outdated,
          run.expired,
          req.findingCode ?? null,
          req.receivedFrom ?? null,
          req.receivedTo ?? null,
        ],
      );
      await this.audit(
        {
          actor: req.actor,
          action: 'records.replay',
          target: runId,
          details: {
            status: req.status,
            sourceKey: req.sourceKey ?? null,
            kind: req.kind ?? null,
            findingCode: req.findingCode ?? null,
            receivedFrom: req.receivedFrom?.toISOString() ?? null,
            receivedTo: req.receivedTo?.toISOString() ?? null,
            replayed: run.replayed,
            receipts: run.receipts,
            outdated: run.outdated,
            expired: run.expired,
          },
        },
        m,
      );
      return run;
    });
  }

  private async countLinked(m: EntityManager, req: ReplayRequest, runId: string): Promise<ReplayRun> {
    const [row]: Array<{ versions: number; receipts: number; expired: number }> = await m.query(
      `SELECT count(DISTINCT v.id)::int AS versions,
              count(DISTINCT rr.receipt_id) FILTER (WHERE r.body_purged_at IS NULL)::int AS receipts,
              count(DISTINCT rr.receipt_id) FILTER (WHERE r.body_purged_at IS NOT NULL)::int AS expired
         FROM receipt_record rr
         JOIN record_version v ON v.id = rr.record_version_id
         JOIN receipt r ON r.id = rr.receipt_id
        WHERE v.status = $1 AND ($2::text IS NULL OR r.source_key = $2) AND ($3::text IS NULL OR rr.kind = $3)
          AND ${LINKED_FILTER}`,
      [
        req.status,
        req.sourceKey ?? null,
        req.kind ?? null,
        req.findingCode ?? null,
        req.receivedFrom ?? null,
        req.receivedTo ?? null,
      ],
    );
    return { runId, replayed: row.versions, receipts: row.receipts, outdated: 0, expired: row.expired };
  }

  private async countFailed(m: EntityManager, req: ReplayRequest, runId: string): Promise<ReplayRun> {
    const [row]: Array<{ replayed: number; outdated: number }> = await m.query(
      `SELECT count(*) FILTER (WHERE NOT outdated)::int AS replayed, count(*) FILTER (WHERE outdated)::int AS outdated
         FROM (SELECT EXISTS (SELECT 1 FROM record_version later
                               WHERE later.kind = v.kind AND later.key = v.key
                                 AND later.version > v.version AND later.status = 'synced') AS outdated
                 FROM record_version v
                WHERE ${FAILED_FILTER}) x`,
      [req.sourceKey ?? null, req.kind ?? null],
    );
    return { runId, replayed: row.replayed, receipts: 0, outdated: row.outdated, expired: 0 };
  }
}

/** The `failed` versions a replay takes, over parameters $1 sourceKey and $2 kind. */
export const FAILED_FILTER = `v.status = 'failed' AND ($1::text IS NULL OR v.source_key = $1) AND ($2::text IS NULL OR v.kind = $2)`;
