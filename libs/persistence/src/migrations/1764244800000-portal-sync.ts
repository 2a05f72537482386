import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Portal sync and reconciliation (docs/sync.md): the sync columns on record_version and record
 * (shared-model.md), `sync_batch` (a claimed batch, written before it is sent, so a crash re-sends
 * the same records under the same Idempotency-Key), `record_sync` (what each portal target holds
 * of each key, from the hub's side) and `reconciliation_run`.
 */
export class PortalSync1764244800000 implements MigrationInterface {
  name = 'PortalSync1764244800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sync_batch (
        id bigserial PRIMARY KEY,
        province_code text NOT NULL,
        target text NOT NULL CHECK (target IN ('production', 'sandbox')),
        idempotency_key text NOT NULL,
        items jsonb NOT NULL,
        record_count integer NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        lease_until timestamptz,
        last_error jsonb,
        results jsonb,
        portal_batch_ids jsonb,
        replayed boolean,
        created_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz
      )`);
    await q.query(
      `CREATE INDEX sync_batch_pending_idx ON sync_batch (province_code, target, next_attempt_at) WHERE status = 'pending'`,
    );
    await q.query(`
      ALTER TABLE record_version
        ADD COLUMN portal_version integer CHECK (portal_version > 0),
        ADD COLUMN portal_id text,
        ADD COLUMN sync_target text CHECK (sync_target IN ('production', 'sandbox')),
        ADD COLUMN synced_at timestamptz,
        ADD COLUMN sync_attempts integer NOT NULL DEFAULT 0,
        ADD COLUMN sync_error jsonb,
        ADD COLUMN sync_batch_id bigint REFERENCES sync_batch (id)`);
    // The sync backlog is scanned by source (province and target come from the source), and the
    // per-key order check looks for a lower ready version of the same key.
    await q.query(
      `CREATE INDEX record_version_ready_idx ON record_version (source_key, id) WHERE status = 'ready'`,
    );
    await q.query(
      `CREATE INDEX record_version_ready_key_idx ON record_version (kind, key, version) WHERE status = 'ready'`,
    );
    await q.query(
      `CREATE INDEX record_version_sync_batch_idx ON record_version (sync_batch_id) WHERE sync_batch_id IS NOT NULL`,
    );
    await q.query(`
      ALTER TABLE record
        ADD COLUMN portal_version integer NOT NULL DEFAULT 0 CHECK (portal_version >= 0),
        ADD COLUMN portal_id text`);
    await q.query(`
      CREATE TABLE record_sync (
        kind text NOT NULL,
        key text NOT NULL,
        target text NOT NULL CHECK (target IN ('production', 'sandbox')),
        province_code text NOT NULL,
        portal_version integer NOT NULL DEFAULT 0 CHECK (portal_version >= 0),
        portal_id text,
        synced_version integer,
        content_hash text,
        synced_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (kind, key, target)
      )`);
    await q.query(
      `CREATE INDEX record_sync_province_idx ON record_sync (target, province_code, synced_at DESC)`,
    );
    await q.query(`
      CREATE TABLE reconciliation_run (
        id bigserial PRIMARY KEY,
        province_code text NOT NULL,
        target text NOT NULL CHECK (target IN ('production', 'sandbox')),
        trigger text NOT NULL DEFAULT 'schedule',
        requested_by text,
        started_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        hub_counts jsonb,
        portal_counts jsonb,
        hub_digest text,
        portal_digest text,
        agreed boolean,
        differing jsonb NOT NULL DEFAULT '[]'::jsonb,
        checked integer NOT NULL DEFAULT 0,
        unchecked integer NOT NULL DEFAULT 0,
        portal_only integer,
        repaired integer NOT NULL DEFAULT 0,
        error text
      )`);
    await q.query(
      `CREATE INDEX reconciliation_run_latest_idx ON reconciliation_run (province_code, target, id DESC)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE reconciliation_run`);
    await q.query(`DROP TABLE record_sync`);
    await q.query(`ALTER TABLE record DROP COLUMN portal_id, DROP COLUMN portal_version`);
    await q.query(`DROP INDEX record_version_sync_batch_idx`);
    await q.query(`DROP INDEX record_version_ready_key_idx`);
    await q.query(`DROP INDEX record_version_ready_idx`);
    await q.query(`
      ALTER TABLE record_version
        DROP COLUMN sync_batch_id, DROP COLUMN sync_error, DROP COLUMN sync_attempts,
        DROP COLUMN synced_at, DROP COLUMN sync_target, DROP COLUMN portal_id, DROP COLUMN portal_version`);
    await q.query(`DROP TABLE sync_batch`);
  }
}
