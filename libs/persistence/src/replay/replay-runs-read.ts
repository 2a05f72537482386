import { type DataSource } from 'typeorm';
import { NATIONAL, type ProvinceScope, scopeParam, sourceInScope } from '../scope/province-scope';
import { type ReplayProgress } from './replay.types';

/** A replay run as GET /v1/admin/replay/{runId} shows it (docs/pipeline.md, "Replay"). */
export interface ReplayRunView {
  runId: string;
  /** `queued`, `running`, `done` or `failed` (with `error`). */
  state: string;
  status: string;
  sourceKey: string | null;
  kind: string | null;
  actor: string;
  /** What the run matched when it was asked for, as the POST answered. */
  replayed: number;
  receipts: number;
  outdated: number;
  expired: number;
  progress: ReplayProgress;
  error: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export class ReplayRunsRead {
  constructor(private readonly dataSource: DataSource) {}

  /** A run of the scope's sources (a run over every source is the Center's); null otherwise. */
  async get(runId: string, scope: ProvinceScope = NATIONAL): Promise<ReplayRunView | null> {
    const rows: ReplayRunRow[] = await this.dataSource.query(
      `SELECT * FROM replay_run WHERE id = $1 AND ($2::text[] IS NULL OR (source_key IS NOT NULL AND ${sourceInScope('source_key', 2)}))`,
      [runId, scopeParam(scope)],
    );
    const r = rows[0];
    if (!r) return null;
    return {
      runId: r.id,
      state: r.state,
      status: r.status,
      sourceKey: r.source_key,
      kind: r.kind,
      actor: r.actor,
      replayed: r.matched,
      receipts: r.receipts,
      outdated: r.outdated,
      expired: r.expired,
      progress: {
        receiptsQueued: r.receipts_queued,
        versionsRequeued: r.versions_requeued,
        outdatedKept: r.outdated_kept,
      },
      error: r.error,
      createdAt: r.created_at,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
    };
  }
}

interface ReplayRunRow {
  id: string;
  actor: string;
  status: string;
  source_key: string | null;
  kind: string | null;
  state: string;
  matched: number;
  receipts: number;
  outdated: number;
  expired: number;
  receipts_queued: number;
  versions_requeued: number;
  outdated_kept: number;
  error: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}
