import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Provinces hear back (hub-interface.md, "v1 additions"): a source's callback and the interval it is
 * expected to deliver in; one row per callback event and source (`webhook-id` = its id, stable
 * across retries) with every attempt beside it; the receipts waiting to be synced (receipt.synced is
 * found by looking at them); and the alerts
 * the hub raises, with the moment each began.
 */
export class CallbacksAndAlerts1764285360000 implements MigrationInterface {
  name = 'CallbacksAndAlerts1764285360000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE source
        ADD COLUMN callback jsonb,
        ADD COLUMN callback_since timestamptz,
        ADD COLUMN expected_interval_minutes integer CHECK (expected_interval_minutes > 0),
        ADD COLUMN activated_at timestamptz`);
    // Sources active before this migration count their silence from their last change.
    await q.query(`UPDATE source SET activated_at = updated_at WHERE stage = 'active'`);
    await q.query(`
      CREATE TABLE callback_delivery (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        source_key text NOT NULL REFERENCES source (key),
        event_type text NOT NULL CHECK (event_type IN ('receipt.processed', 'receipt.synced', 'conflict.resolved')),
        dedup_key text NOT NULL,
        payload jsonb NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
        attempts integer NOT NULL DEFAULT 0,
        retries integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        claimed_until timestamptz,
        last_status_code integer,
        last_error text,
        first_failed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        delivered_at timestamptz,
        UNIQUE (source_key, dedup_key)
      )`);
    await q.query(
      `CREATE INDEX callback_delivery_source_idx ON callback_delivery (source_key, created_at DESC, id DESC)`,
    );
    await q.query(
      `CREATE INDEX callback_delivery_due_idx ON callback_delivery (next_attempt_at) WHERE status = 'pending'`,
    );
    await q.query(`
      CREATE TABLE callback_attempt (
        id bigserial PRIMARY KEY,
        delivery_id uuid NOT NULL REFERENCES callback_delivery (id),
        attempt integer NOT NULL,
        manual boolean NOT NULL DEFAULT false,
        attempted_at timestamptz NOT NULL DEFAULT now(),
        duration_ms integer NOT NULL,
        status_code integer,
        error text
      )`);
    await q.query(`CREATE INDEX callback_attempt_delivery_idx ON callback_attempt (delivery_id, id)`);
    await q.query(`
      CREATE TABLE callback_sync_watch (
        receipt_id uuid NOT NULL REFERENCES receipt (id),
        source_key text NOT NULL REFERENCES source (key),
        generation text NOT NULL DEFAULT '',
        created_at timestamptz NOT NULL DEFAULT now(),
        checked_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (receipt_id, source_key)
      )`);
    await q.query(`CREATE INDEX callback_sync_watch_checked_idx ON callback_sync_watch (checked_at)`);
    await q.query(
      `CREATE INDEX conflict_resolved_at_idx ON conflict (resolved_at) WHERE resolved_at IS NOT NULL`,
    );
    await q.query(`
      CREATE TABLE alert (
        id text PRIMARY KEY,
        code text NOT NULL CHECK (code IN ('SOURCE_STALE', 'QUARANTINE_RATE', 'CALLBACK_FAILING', 'PORTAL_UNREACHABLE', 'SYNC_LAG')),
        province_code text,
        source_key text,
        since timestamptz NOT NULL,
        message text NOT NULL,
        value double precision NOT NULL DEFAULT 0,
        checked_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE alert_check (
        name text PRIMARY KEY,
        failing_since timestamptz,
        detail text,
        checked_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE alert_check`);
    await q.query(`DROP TABLE alert`);
    await q.query(`DROP INDEX conflict_resolved_at_idx`);
    await q.query(`DROP TABLE callback_sync_watch`);
    await q.query(`DROP TABLE callback_attempt`);
    await q.query(`DROP TABLE callback_delivery`);
    await q.query(`
      ALTER TABLE source
        DROP COLUMN activated_at,
        DROP COLUMN expected_interval_minutes,
        DROP COLUMN callback_since,
        DROP COLUMN callback`);
  }
}
