import { type ReconciliationDifference } from '@txng/persistence';
import { type PortalRecordInfo, type PortalTarget } from '@txng/portal-client';
import { type DataSource } from 'typeorm';

/**
 * Puts one differing key right, under its record row lock (docs/sync.md, "Repair"):
 * - a key with a version still `ready` is left alone (`in-flight`): the next send settles it;
 * - the hub adopts the portal's view of the key (version, portal id, content hash; none when the
 *   portal holds nothing);
 * - when the portal's content is not the hub's latest sent content (or the portal holds nothing),
 *   that latest version (synced, or rejected with VERSION_GAP because the count was off) goes
 *   back to `ready` and is sent as the portal's version + 1 (1 when the portal has none).
 * Returns what was done, for the run's `differing[].action`.
 */
export async function repairKey(
  dataSource: DataSource,
  target: PortalTarget,
  d: ReconciliationDifference,
  held: PortalRecordInfo | null,
): Promise<string> {
  return dataSource.transaction(async (m) => {
    const [record]: unknown[] = await m.query(
      `SELECT kind FROM record WHERE kind = $1 AND key = $2 FOR UPDATE`,
      [d.kind, d.key],
    );
    if (!record) return 'unknown-key';
    const [busy]: unknown[] = await m.query(
      `SELECT 1 FROM record_version WHERE kind = $1 AND key = $2 AND status = 'ready' LIMIT 1`,
      [d.kind, d.key],
    );
    if (busy) return 'in-flight';
    const [latest]: Array<{ id: string; version: number; content_hash: string }> = await m.query(
      `SELECT id, version, content_hash FROM record_version
        WHERE kind = $1 AND key = $2 AND sync_target = $3
          AND (status = 'synced' OR (status = 'rejected' AND sync_error->>'code' = 'VERSION_GAP'))
        ORDER BY version DESC LIMIT 1`,
      [d.kind, d.key, target],
    );
    const portalVersion = held?.version ?? 0;
    await m.query(
      `UPDATE record_sync SET portal_version = $4, portal_id = $5, content_hash = $6,
              synced_version = CASE WHEN $4 = 0 THEN NULL ELSE synced_version END, updated_at = now()
        WHERE kind = $1 AND key = $2 AND target = $3`,
      [d.kind, d.key, target, portalVersion, held?.portalId ?? null, held?.contentHash ?? null],
    );
    if (target === 'production') {
      await m.query(
        `UPDATE record SET portal_version = $3, portal_id = $4,
                synced_version = CASE WHEN $3 = 0 THEN NULL ELSE synced_version END, updated_at = now()
          WHERE kind = $1 AND key = $2`,
        [d.kind, d.key, portalVersion, held?.portalId ?? null],
      );
    }
    if (!latest) return held ? 'adopted-portal-version' : 'forgotten';
    if (held && held.contentHash === latest.content_hash) return 'adopted-portal-version';
    const reason = held
      ? `reconciliation: the ${target} portal holds version ${held.version} with other content; resending as ${held.version + 1}`
      : `reconciliation: the ${target} portal holds no version of this key; resending as version 1`;
    await m.query(
      `UPDATE record_version SET status = 'ready', sync_batch_id = NULL, updated_at = now(),
              sync_error = jsonb_build_object('code', 'RECONCILED', 'message', $2::text)
        WHERE id = $1`,
      [latest.id, reason],
    );
    await m.query(
      `INSERT INTO record_status_history (record_version_id, status, reason) VALUES ($1, 'ready', $2)`,
      [latest.id, reason],
    );
    if (target === 'production') {
      await m.query(`UPDATE record SET status = 'ready' WHERE kind = $1 AND key = $2 AND status = 'synced'`, [
        d.kind,
        d.key,
      ]);
    }
    return held ? `resend-as-${held.version + 1}` : 'resend-as-1';
  });
}
