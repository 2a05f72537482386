import { type RecordKind } from '@txng/national-model';
import { type DataSource } from 'typeorm';
import { type ReconciliationDifference, ReconciliationRunEntity } from '../entities';
import { type SyncTarget } from './sync-batch.types';

/** What the hub believes a portal holds of one key (`record_sync`). */
export interface HubLine {
  kind: RecordKind;
  key: string;
  version: number;
  content_hash: string | null;
}

/** What the portal answered on read-back of one key. */
export interface PortalHeld {
  version: number;
  portalId: string;
  contentHash: string;
}

/**
 * Reconciliation's PostgreSQL side: what the hub believes each portal holds (`record_sync`), the
 * runs (`reconciliation_run`), the one-run-at-a-time lock, and the repair of one key.
 */
export class PgReconciliationRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** (province, target) pairs the hub has synced anything to: what the schedule reconciles. */
  async syncedProvinces(): Promise<Array<{ provinceCode: string; target: SyncTarget }>> {
    return this.dataSource.query(
      `SELECT DISTINCT province_code AS "provinceCode", target FROM record_sync WHERE portal_version > 0`,
    );
  }

  /** The keys the hub believes the target holds for the province, without content hashes (a comparison). */
  async heldKeys(provinceCode: string, target: SyncTarget): Promise<HubLine[]> {
    return this.dataSource.query(
      `SELECT kind, key, portal_version AS version, NULL AS content_hash FROM record_sync
        WHERE target = $1 AND province_code = $2 AND portal_version > 0`,
      [target, provinceCode],
    );
  }

  /** The same keys with their content hashes, newest synced first: where a difference most likely is. */
  async heldKeysNewestFirst(provinceCode: string, target: SyncTarget): Promise<HubLine[]> {
    return this.dataSource.query(
      `SELECT kind, key, portal_version AS version, content_hash FROM record_sync
        WHERE target = $1 AND province_code = $2 AND portal_version > 0
        ORDER BY synced_at DESC NULLS LAST, kind, key`,
      [target, provinceCode],
    );
  }

  async latestRuns(
    provinceCode: string,
    target: SyncTarget,
    limit: number,
  ): Promise<ReconciliationRunEntity[]> {
    return this.dataSource.getRepository(ReconciliationRunEntity).find({
      where: { provinceCode, target },
      order: { id: 'DESC' },
      take: limit,
    });
  }

  /** Stores a new run as started, or an existing one as it is now. */
  async saveRun(run: Partial<ReconciliationRunEntity>): Promise<ReconciliationRunEntity> {
    const repo = this.dataSource.getRepository(ReconciliationRunEntity);
    return repo.save(run.id === undefined ? repo.create(run) : (run as ReconciliationRunEntity));
  }

  /**
   * Ends the run of an operation whose work stopped without ending it (its process died, its job
   * was lost with Redis): stamped finished with `error`, so the GET never shows it as still running.
   */
  async endRunOfOperation(operationId: string, error: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE reconciliation_run SET finished_at = now(), error = coalesce(error, $2)
        WHERE operation_id = $1 AND finished_at IS NULL`,
      [operationId, error],
    );
  }

  /**
   * Runs `work` under the session advisory lock of the province and target, held on one connection
   * for the whole run; null without running it when another run holds the lock.
   */
  async withRunLock<T>(provinceCode: string, target: SyncTarget, work: () => Promise<T>): Promise<T | null> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const locked = (await runner.query(
        `SELECT pg_try_advisory_lock(hashtext('txng-reconcile'), hashtext($1::text || ':' || $2::text)) AS ok`,
        [provinceCode, target],
      )) as Array<{ ok: boolean }>;
      if (!locked[0].ok) return null;
      try {
        return await work();
      } finally {
        await runner.query(
          `SELECT pg_advisory_unlock(hashtext('txng-reconcile'), hashtext($1::text || ':' || $2::text))`,
          [provinceCode, target],
        );
      }
    } finally {
      await runner.release();
    }
  }

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
  async repairKey(target: SyncTarget, d: ReconciliationDifference, held: PortalHeld | null): Promise<string> {
    return this.dataSource.transaction(async (m) => {
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
        await m.query(
          `UPDATE record SET status = 'ready' WHERE kind = $1 AND key = $2 AND status = 'synced'`,
          [d.kind, d.key],
        );
      }
      return held ? `resend-as-${held.version + 1}` : 'resend-as-1';
    });
  }
}
