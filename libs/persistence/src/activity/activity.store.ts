import { type DataSource } from 'typeorm';

/** Jobs not yet done on one queue at one instant (waiting, active, delayed) and failed ones. */
export interface QueueDepthSample {
  queue: string;
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
}

/** One point of a chart: per-minute rates over the bucket, the lag and the backlog it saw. */
export interface ActivityPoint {
  /** Start of the bucket (ISO). */
  at: string;
  /** Record versions the pipeline wrote, per minute. */
  received: number;
  /** Of those, versions written quarantined, per minute. */
  quarantined: number;
  /** Versions the portal accepted, per minute. */
  synced: number;
  /** Mean seconds from the receipt reaching the hub to the portal accepting its record; null when none synced. */
  lagAvgSeconds: number | null;
  /** Longest such wait in the bucket; null when none synced. */
  lagMaxSeconds: number | null;
  /** Versions waiting for the portal (`ready`) at the bucket's last sample; null when not sampled. */
  backlog: number | null;
}

export interface QueueDepthPoint {
  at: string;
  /** Per queue: jobs waiting, active or delayed at the bucket's last sample. */
  depth: Record<string, number>;
}

export type ActivityWindow = 'hour' | 'day';

export interface ActivitySeries {
  window: ActivityWindow;
  /** Bucket length: 60 s for the hour, 300 s for the day (rates stay per minute). */
  stepSeconds: number;
  from: string;
  to: string;
  sourceKey: string | null;
  provinceCode: string | null;
  points: ActivityPoint[];
  /** Hub-wide (queues are not per source or province). */
  queueDepth: QueueDepthPoint[];
}

export interface ActivityFilter {
  window: ActivityWindow;
  sourceKey?: string | null;
  provinceCode?: string | null;
  /** The instant the window ends at (default now); tests pass it. */
  now?: Date;
}

const WINDOWS: Record<ActivityWindow, { minutes: number; stepSeconds: number }> = {
  hour: { minutes: 60, stepSeconds: 60 },
  day: { minutes: 24 * 60, stepSeconds: 300 },
};

/** Minutes the roll-up counts again on every run: rows committed late land in an already counted minute. */
export const ROLLUP_RECOUNT_MINUTES = 5;

const minuteFloor = (d: Date): Date => new Date(Math.floor(d.getTime() / 60_000) * 60_000);

/**
 * The per-minute activity the charts draw (docs/adr/0005-activity-minutes.md): a roll-up that
 * counts the last minutes from the timestamps the pipeline writes anyway (record_version.created_at
 * and synced_at, receipt.received_at) and replaces those minutes' rows, so the hot paths write
 * nothing more and a run repeated or run by two processes at once gives the same rows.
 */
export class PgActivityStore {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Counts minutes from `now` − ROLLUP_RECOUNT_MINUTES (floored) up to `now`, samples each source's
   * backlog into the current minute and forgets minutes older than `keepHours`. Answers rows written.
   */
  async rollup(now: Date = new Date(), keepHours = 192): Promise<number> {
    const to = now;
    const from = new Date(minuteFloor(now).getTime() - ROLLUP_RECOUNT_MINUTES * 60_000);
    return this.dataSource.transaction(async (m) => {
      // One process counts at a time; another that comes meanwhile skips its turn (the next recounts).
      const [lock]: Array<{ ok: boolean }> = await m.query(
        `SELECT pg_try_advisory_xact_lock(hashtext('txng-activity'), 0) AS ok`,
      );
      if (!lock.ok) return 0;
      // TypeORM answers an INSERT … RETURNING as the rows.
      const counted: unknown[] = await m.query(COUNT_MINUTES, [from, to]);
      await m.query(SAMPLE_BACKLOG, [minuteFloor(now)]);
      const before = new Date(now.getTime() - keepHours * 3_600_000);
      await m.query(`DELETE FROM activity_minute WHERE minute < $1`, [before]);
      await m.query(`DELETE FROM queue_depth_minute WHERE minute < $1`, [before]);
      return counted.length;
    });
  }

  /** The queues' depth at `now`, kept in the current minute (the last sample of a minute wins). */
  async recordQueueDepth(samples: QueueDepthSample[], now: Date = new Date()): Promise<void> {
    if (samples.length === 0) return;
    await this.dataSource.query(
      `INSERT INTO queue_depth_minute (minute, queue, waiting, active, delayed, failed)
       SELECT $1::timestamptz, x.queue, x.waiting, x.active, x.delayed, x.failed
         FROM jsonb_to_recordset($2::jsonb) AS x(queue text, waiting int, active int, delayed int, failed int)
       ON CONFLICT (minute, queue) DO UPDATE
          SET waiting = excluded.waiting, active = excluded.active, delayed = excluded.delayed, failed = excluded.failed`,
      [minuteFloor(now), JSON.stringify(samples)],
    );
  }

  async hasSource(key: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(`SELECT 1 FROM source WHERE key = $1`, [key]);
    return rows.length > 0;
  }

  /** The last hour (per minute) or day (per 5 minutes), for all, one province or one source; gaps filled. */
  async series(filter: ActivityFilter): Promise<ActivitySeries> {
    const { minutes, stepSeconds } = WINDOWS[filter.window];
    // Ends after the current minute, on a bucket's edge (the day's buckets start on 5-minute edges).
    const end = minuteFloor(filter.now ?? new Date()).getTime() + 60_000;
    const to = new Date(Math.ceil(end / (stepSeconds * 1000)) * stepSeconds * 1000);
    const from = new Date(to.getTime() - minutes * 60_000);
    const sourceKey = filter.sourceKey ?? null;
    const provinceCode = filter.provinceCode ?? null;
    const rows: Array<{
      bucket: string;
      received: string;
      quarantined: string;
      synced: string;
      lag_sum_ms: string;
      lag_max_ms: string;
      backlog: number | null;
    }> = await this.dataSource.query(
      `WITH m AS (
         SELECT minute, sum(received) AS received, sum(quarantined) AS quarantined, sum(synced) AS synced,
                sum(lag_sum_ms) AS lag_sum_ms, max(lag_max_ms) AS lag_max_ms, sum(backlog)::int AS backlog
           FROM activity_minute
          WHERE minute >= $1 AND minute < $2
            AND ($3::text IS NULL OR source_key = $3) AND ($4::text IS NULL OR province_code = $4)
          GROUP BY minute)
       SELECT (floor(extract(epoch FROM minute) / $5) * $5)::bigint::text AS bucket,
              sum(received)::text AS received, sum(quarantined)::text AS quarantined, sum(synced)::text AS synced,
              sum(lag_sum_ms)::text AS lag_sum_ms, max(lag_max_ms)::text AS lag_max_ms,
              (array_agg(backlog ORDER BY minute DESC) FILTER (WHERE backlog IS NOT NULL))[1] AS backlog
         FROM m GROUP BY 1`,
      [from, to, sourceKey, provinceCode, stepSeconds],
    );
    const depthRows: Array<{ bucket: string; queue: string; depth: number }> = await this.dataSource.query(
      `SELECT DISTINCT ON (1, queue) (floor(extract(epoch FROM minute) / $3) * $3)::bigint::text AS bucket, queue,
              (waiting + active + delayed)::int AS depth
         FROM queue_depth_minute
        WHERE minute >= $1 AND minute < $2
        ORDER BY 1, queue, minute DESC`,
      [from, to, stepSeconds],
    );
    const perMinute = stepSeconds / 60;
    const rate = (n: string | undefined): number => Math.round((Number(n ?? 0) / perMinute) * 10) / 10;
    const byBucket = new Map(rows.map((r) => [Number(r.bucket), r]));
    const depthByBucket = new Map<number, Record<string, number>>();
    for (const d of depthRows) {
      const at = Number(d.bucket);
      const depth = depthByBucket.get(at) ?? {};
      depth[d.queue] = d.depth;
      depthByBucket.set(at, depth);
    }
    const points: ActivityPoint[] = [];
    const queueDepth: QueueDepthPoint[] = [];
    for (let at = from.getTime() / 1000; at < to.getTime() / 1000; at += stepSeconds) {
      const r = byBucket.get(at);
      const synced = Number(r?.synced ?? 0);
      const iso = new Date(at * 1000).toISOString();
      points.push({
        at: iso,
        received: rate(r?.received),
        quarantined: rate(r?.quarantined),
        synced: rate(r?.synced),
        lagAvgSeconds: synced > 0 ? Math.round(Number(r?.lag_sum_ms) / synced / 100) / 10 : null,
        lagMaxSeconds: synced > 0 ? Math.round(Number(r?.lag_max_ms) / 100) / 10 : null,
        backlog: r?.backlog ?? null,
      });
      const depth = depthByBucket.get(at);
      if (depth) queueDepth.push({ at: iso, depth });
    }
    return {
      window: filter.window,
      stepSeconds,
      from: from.toISOString(),
      to: to.toISOString(),
      sourceKey,
      provinceCode,
      points,
      queueDepth,
    };
  }
}

/**
 * Versions written and versions synced per minute and source over [$1, $2), with the lag from the
 * receipt to the portal, replacing those minutes' counts (recounting is idempotent). The range scans
 * record_version_created_idx and record_version_synced_at_idx; the receipt is one primary-key probe.
 */
const COUNT_MINUTES = `INSERT INTO activity_minute AS a
         (minute, source_key, province_code, received, quarantined, synced, lag_sum_ms, lag_max_ms)
  SELECT coalesce(v.minute, s.minute), src.key, src.province_code,
         coalesce(v.received, 0), coalesce(v.quarantined, 0), coalesce(s.synced, 0),
         coalesce(s.lag_sum_ms, 0), coalesce(s.lag_max_ms, 0)
    FROM (SELECT date_trunc('minute', created_at) AS minute, source_key, count(*)::int AS received,
                 count(*) FILTER (WHERE status = 'quarantined')::int AS quarantined
            FROM record_version
           WHERE created_at >= $1 AND created_at < $2
           GROUP BY 1, 2) v
    FULL JOIN (
          SELECT date_trunc('minute', rv.synced_at) AS minute, rv.source_key, count(*)::int AS synced,
                 sum(greatest(0, extract(epoch FROM rv.synced_at - r.received_at) * 1000))::bigint AS lag_sum_ms,
                 max(greatest(0, extract(epoch FROM rv.synced_at - r.received_at) * 1000))::bigint AS lag_max_ms
            FROM record_version rv
            JOIN receipt r ON r.id = rv.receipt_id
           WHERE rv.synced_at >= $1 AND rv.synced_at < $2
           GROUP BY 1, 2) s
      ON s.minute = v.minute AND s.source_key = v.source_key
    JOIN source src ON src.key = coalesce(v.source_key, s.source_key)
  ON CONFLICT (minute, source_key) DO UPDATE
     SET received = excluded.received, quarantined = excluded.quarantined, synced = excluded.synced,
         lag_sum_ms = excluded.lag_sum_ms, lag_max_ms = excluded.lag_max_ms
  RETURNING 1`;

/** Every source's `ready` backlog, into the current minute ($1). */
const SAMPLE_BACKLOG = `INSERT INTO activity_minute AS a (minute, source_key, province_code, backlog)
  SELECT $1::timestamptz, s.key, s.province_code, coalesce(b.n, 0)
    FROM source s
    LEFT JOIN (SELECT source_key, count(*)::int AS n FROM record_version WHERE status = 'ready'
                GROUP BY source_key) b ON b.source_key = s.key
  ON CONFLICT (minute, source_key) DO UPDATE SET backlog = excluded.backlog`;
