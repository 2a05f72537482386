import { type DataSource } from 'typeorm';
import { NATIONAL, type ProvinceScope, scopeParam } from '../scope/province-scope';

export type AlertCode =
  'SOURCE_STALE' | 'QUARANTINE_RATE' | 'CALLBACK_FAILING' | 'PORTAL_UNREACHABLE' | 'SYNC_LAG';
export const ALERT_CODES: readonly AlertCode[] = [
  'SOURCE_STALE',
  'QUARANTINE_RATE',
  'CALLBACK_FAILING',
  'PORTAL_UNREACHABLE',
  'SYNC_LAG',
];

/** One alert as it stands: `since` is when the condition began (kept while it lasts). */
export interface AlertRow {
  id: string;
  code: AlertCode;
  provinceCode: string | null;
  sourceKey: string | null;
  since: Date;
  message: string;
  /** The measured value behind it (minutes silent, share quarantined, seconds of lag…). */
  value: number;
}

/** The SQL of alerts (hub-interface.md, "v1 additions"): what is measured, and the active set. */
export class PgAlertStore {
  constructor(private readonly dataSource: DataSource) {}

  /** Active sources with an expected interval, and when each last received or polled anything (or was activated). */
  async sourceActivity(): Promise<
    Array<{ key: string; provinceCode: string; intervalMinutes: number; lastActivity: Date }>
  > {
    const rows: Array<{
      key: string;
      province_code: string;
      expected_interval_minutes: number;
      last_activity: Date;
    }> = await this.dataSource.query(
      `SELECT key, province_code, expected_interval_minutes,
                greatest(last_receipt_at, last_poll_at, activated_at, coalesce(activated_at, updated_at)) AS last_activity
           FROM source
          WHERE stage = 'active' AND deleted_at IS NULL AND expected_interval_minutes IS NOT NULL`,
    );
    return rows.map((r) => ({
      key: r.key,
      provinceCode: r.province_code,
      intervalMinutes: r.expected_interval_minutes,
      lastActivity: r.last_activity,
    }));
  }

  /** Per source, records judged in the last hour and how many of them were quarantined. */
  async quarantineLastHour(): Promise<
    Array<{ sourceKey: string; provinceCode: string; total: number; quarantined: number }>
  > {
    const rows: Array<{ source_key: string; province_code: string; total: string; quarantined: string }> =
      await this.dataSource.query(
        `SELECT r.source_key, s.province_code, count(*)::text AS total,
                count(*) FILTER (WHERE rr.outcome = 'quarantined')::text AS quarantined
           FROM receipt r
           JOIN receipt_record rr ON rr.receipt_id = r.id
           JOIN source s ON s.key = r.source_key
          WHERE r.processed_at > now() - interval '1 hour'
          GROUP BY r.source_key, s.province_code`,
      );
    return rows.map((r) => ({
      sourceKey: r.source_key,
      provinceCode: r.province_code,
      total: Number(r.total),
      quarantined: Number(r.quarantined),
    }));
  }

  /** Per province, the oldest version waiting to be synced. */
  async oldestReady(): Promise<Array<{ provinceCode: string | null; oldest: Date; ready: number }>> {
    const rows: Array<{ province_code: string | null; oldest: Date; ready: string }> =
      await this.dataSource.query(
        `SELECT rec.province_code, min(v.created_at) AS oldest, count(*)::text AS ready
         FROM record_version v
         LEFT JOIN record rec ON rec.kind = v.kind AND rec.key = v.key
        WHERE v.status = 'ready'
        GROUP BY rec.province_code`,
      );
    return rows.map((r) => ({ provinceCode: r.province_code, oldest: r.oldest, ready: Number(r.ready) }));
  }

  /** Since when a named check has been failing (null: it is not); `failing` false clears it. */
  async markCheck(name: string, failing: boolean, detail: string | null): Promise<Date | null> {
    const rows: Array<{ failing_since: Date | null }> = await this.dataSource.query(
      `INSERT INTO alert_check (name, failing_since, detail, checked_at)
       VALUES ($1, CASE WHEN $2::boolean THEN now() END, $3, now())
       ON CONFLICT (name) DO UPDATE
         SET failing_since = CASE WHEN $2::boolean THEN coalesce(alert_check.failing_since, now()) END,
             detail = $3, checked_at = now()
       RETURNING failing_since`,
      [name, failing, detail],
    );
    return rows[0]?.failing_since ?? null;
  }

  /**
   * Makes `alerts` the active set in one transaction: new ones start at their `since`, lasting ones
   * keep theirs, the rest end. Answers false when another process is checking at the same moment.
   */
  async replace(alerts: AlertRow[]): Promise<boolean> {
    return this.dataSource.transaction(async (m) => {
      const [lock]: Array<{ got: boolean }> = await m.query(
        `SELECT pg_try_advisory_xact_lock(hashtext('txng-alert-check')) AS got`,
      );
      if (!lock?.got) return false;
      await m.query(
        `INSERT INTO alert (id, code, province_code, source_key, since, message, value, checked_at)
         SELECT x.id, x.code, x.province_code, x.source_key, x.since, x.message, x.value, now()
           FROM jsonb_to_recordset($1::jsonb)
             AS x(id text, code text, province_code text, source_key text, since timestamptz, message text, value double precision)
         ON CONFLICT (id) DO UPDATE SET message = EXCLUDED.message, value = EXCLUDED.value, checked_at = now()`,
        [
          JSON.stringify(
            alerts.map((a) => ({
              id: a.id,
              code: a.code,
              province_code: a.provinceCode,
              source_key: a.sourceKey,
              since: a.since.toISOString(),
              message: a.message,
              value: a.value,
            })),
          ),
        ],
      );
      await m.query(`DELETE FROM alert WHERE NOT (id = ANY($1::text[]))`, [alerts.map((a) => a.id)]);
      return true;
    });
  }

  /**
   * The active set, or within a province scope: the scope's provinces' alerts and the hub-wide
   * PORTAL_UNREACHABLE (every province's sync waits on it). Alerts of no province otherwise stay out.
   */
  async list(scope: ProvinceScope = NATIONAL): Promise<AlertRow[]> {
    const rows: Array<{
      id: string;
      code: AlertCode;
      province_code: string | null;
      source_key: string | null;
      since: Date;
      message: string;
      value: number;
    }> = await this.dataSource.query(
      `SELECT id, code, province_code, source_key, since, message, value FROM alert
        WHERE $1::text[] IS NULL OR province_code = ANY($1::text[]) OR code = 'PORTAL_UNREACHABLE'
        ORDER BY since, id`,
      [scopeParam(scope)],
    );
    return rows.map((r) => ({
      id: r.id,
      code: r.code,
      provinceCode: r.province_code,
      sourceKey: r.source_key,
      since: r.since,
      message: r.message,
      value: r.value,
    }));
  }
}
