import { type DataSource } from 'typeorm';
import { NATIONAL, type ProvinceScope, scopeParam, sourceInScope } from '../scope/province-scope';

export interface SourceOverview {
  key: string;
  name: string;
  kind: string;
  format: string;
  stage: string;
  health: string;
  lastError: string | null;
  lastReceiptAt: Date | null;
  lastPollAt: Date | null;
  /** Seconds the oldest `ready` version has waited for the portal; 0 when nothing waits. */
  lagSeconds: number;
  /** Versions the pipeline wrote in the last 5 minutes, per minute. */
  recordsPerMinute: number;
  counts: StatusCounts;
  sync: SyncState;
}

export interface StatusCounts {
  ready: number;
  quarantined: number;
  conflict: number;
  rejected: number;
  failed: number;
  synced: number;
  openConflicts: number;
}

export interface SyncState {
  /** Versions waiting for the portal (`ready`). */
  pending: number;
  lastSyncedAt: Date | null;
  /** False until the sync migration (1764244800000) has run: the columns below are then unknown. */
  available: boolean;
}

export interface ReconciliationSummary {
  target: string;
  startedAt: Date;
  finishedAt: Date | null;
  agreed: boolean | null;
  differing: number;
  repaired: number | null;
  error: string | null;
}

export interface ProvinceOverview {
  code: string;
  sources: SourceOverview[];
  counts: StatusCounts;
  reconciliation: ReconciliationSummary | null;
}

const STATUSES = ['ready', 'quarantined', 'conflict', 'rejected', 'failed', 'synced'] as const;
const WINDOW_MINUTES = 5;

const emptyCounts = (): StatusCounts => ({
  ready: 0,
  quarantined: 0,
  conflict: 0,
  rejected: 0,
  failed: 0,
  synced: 0,
  openConflicts: 0,
});

/**
 * The overview screen's numbers, per province and source, straight from PostgreSQL. Reads the sync
 * columns and `reconciliation_run` (sync workstream, migration 1764244800000) only when present.
 */
export class OverviewRead {
  constructor(private readonly dataSource: DataSource) {}

  /** A province scope reads only its provinces' sources, counts and reconciliations. */
  async read(scope: ProvinceScope = NATIONAL): Promise<{
    generatedAt: Date;
    provinces: ProvinceOverview[];
    totals: StatusCounts & { recordsPerMinute: number };
  }> {
    const [schema] = await this.dataSource.query<Array<{ synced_at: boolean; reconciliation: boolean }>>(
      `SELECT EXISTS (SELECT 1 FROM information_schema.columns
                       WHERE table_schema = current_schema() AND table_name = 'record_version' AND column_name = 'synced_at') AS synced_at,
              to_regclass('reconciliation_run') IS NOT NULL AS reconciliation`,
    );

    const sp = [scopeParam(scope)];
    const mine = sourceInScope('source_key', 1);
    const [sources, counts, lag, rate, conflicts, synced, runs] = (await Promise.all([
      this.dataSource.query(
        `SELECT key, name, kind, format, stage, province_code, health, last_error, last_receipt_at, last_poll_at
           FROM source WHERE deleted_at IS NULL AND ($1::text[] IS NULL OR province_code = ANY($1::text[]))
          ORDER BY province_code, key`,
        sp,
      ),
      // Every status but `synced` is small and indexed by (status, id); synced is counted per source
      // through the same index.
      this.dataSource.query(
        `SELECT source_key, status, count(*)::int AS n FROM record_version WHERE ${mine} GROUP BY source_key, status`,
        sp,
      ),
      this.dataSource.query(
        `SELECT source_key, extract(epoch FROM now() - min(created_at))::float AS lag
           FROM record_version WHERE status = 'ready' AND ${mine} GROUP BY source_key`,
        sp,
      ),
      this.dataSource.query(
        `SELECT source_key, count(*)::int AS n FROM record_version
          WHERE created_at > now() - make_interval(mins => ${WINDOW_MINUTES}) AND ${mine} GROUP BY source_key`,
        sp,
      ),
      this.dataSource.query(
        `SELECT v.source_key, count(*)::int AS n FROM conflict c JOIN record_version v ON v.id = c.incoming_version_id
          WHERE c.status = 'open' AND ${sourceInScope('v.source_key', 1)} GROUP BY v.source_key`,
        sp,
      ),
      schema.synced_at
        ? this.dataSource.query(
            `SELECT source_key, max(synced_at) AS at FROM record_version WHERE synced_at IS NOT NULL AND ${mine} GROUP BY source_key`,
            sp,
          )
        : Promise.resolve([]),
      schema.reconciliation
        ? this.dataSource.query(
            `SELECT DISTINCT ON (province_code) province_code, target, started_at, finished_at, agreed,
                    CASE WHEN jsonb_typeof(differing) = 'array' THEN jsonb_array_length(differing) ELSE 0 END AS differing,
                    repaired, error
               FROM reconciliation_run WHERE $1::text[] IS NULL OR province_code = ANY($1::text[])
              ORDER BY province_code, started_at DESC, id DESC`,
            sp,
          )
        : Promise.resolve([]),
    ])) as [
      Array<{
        key: string;
        name: string;
        kind: string;
        format: string;
        stage: string;
        province_code: string;
        health: string;
        last_error: string | null;
        last_receipt_at: Date | null;
        last_poll_at: Date | null;
      }>,
      Array<{ source_key: string; status: string; n: number }>,
      Array<{ source_key: string; lag: number }>,
      Array<{ source_key: string; n: number }>,
      Array<{ source_key: string; n: number }>,
      Array<{ source_key: string; at: Date }>,
      Array<{
        province_code: string;
        target: string;
        started_at: Date;
        finished_at: Date | null;
        agreed: boolean | null;
        differing: number;
        repaired: number | null;
        error: string | null;
      }>,
    ];

    const bySource = (rows: Array<{ source_key: string; n: number }>) =>
      new Map(rows.map((r) => [r.source_key, r.n]));
    const rateOf = bySource(rate);
    const openOf = bySource(conflicts);
    const lagOf = new Map(lag.map((r) => [r.source_key, r.lag]));
    const syncedAtOf = new Map(synced.map((r) => [r.source_key, r.at]));
    const provinces = new Map<string, ProvinceOverview>();
    const totals = { ...emptyCounts(), recordsPerMinute: 0 };

    for (const s of sources) {
      const own = emptyCounts();
      for (const c of counts) {
        if (c.source_key === s.key && (STATUSES as readonly string[]).includes(c.status)) {
          own[c.status as (typeof STATUSES)[number]] += c.n;
        }
      }
      own.openConflicts = openOf.get(s.key) ?? 0;
      const view: SourceOverview = {
        key: s.key,
        name: s.name,
        kind: s.kind,
        format: s.format,
        stage: s.stage,
        health: s.health,
        lastError: s.last_error,
        lastReceiptAt: s.last_receipt_at,
        lastPollAt: s.last_poll_at,
        lagSeconds: Math.max(0, Math.round(lagOf.get(s.key) ?? 0)),
        recordsPerMinute: Math.round(((rateOf.get(s.key) ?? 0) / WINDOW_MINUTES) * 10) / 10,
        counts: own,
        sync: {
          pending: own.ready,
          lastSyncedAt: syncedAtOf.get(s.key) ?? null,
          available: schema.synced_at,
        },
      };
      let province = provinces.get(s.province_code);
      if (!province) {
        const run = runs.find((r) => r.province_code === s.province_code);
        province = {
          code: s.province_code,
          sources: [],
          counts: emptyCounts(),
          reconciliation: run
            ? {
                target: run.target,
                startedAt: run.started_at,
                finishedAt: run.finished_at,
                agreed: run.agreed,
                differing: Number(run.differing),
                repaired: run.repaired,
                error: run.error,
              }
            : null,
        };
        provinces.set(s.province_code, province);
      }
      province.sources.push(view);
      for (const k of Object.keys(own) as Array<keyof StatusCounts>) {
        province.counts[k] += own[k];
        totals[k] += own[k];
      }
      totals.recordsPerMinute += view.recordsPerMinute;
    }
    totals.recordsPerMinute = Math.round(totals.recordsPerMinute * 10) / 10;
    return { generatedAt: new Date(), provinces: [...provinces.values()], totals };
  }
}
