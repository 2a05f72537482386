import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The pipeline's state (docs/pipeline.md): one `record` row per (kind, key) holding its current
 * state and serving as the row lock that serialises every decision about that key; every version
 * held (`record_version`, including quarantined and conflicting arrivals, which get no version
 * number); each status change; how each record of each receipt was judged; open conflicts; and
 * which event a source-given EPCIS eventID belongs to.
 */
export class Records1764237600000 implements MigrationInterface {
  name = 'Records1764237600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE receipt ADD COLUMN counts jsonb`);
    await q.query(`
      CREATE TABLE record (
        kind text NOT NULL CHECK (kind IN ('organization', 'location', 'product', 'lot', 'event')),
        key text NOT NULL,
        province_code text,
        latest_version integer NOT NULL DEFAULT 0 CHECK (latest_version >= 0),
        latest_version_id bigint,
        latest_content_hash text,
        claimant text,
        source_key text REFERENCES source (key),
        status text NOT NULL DEFAULT 'received'
          CHECK (status IN ('received', 'conflict', 'ready', 'synced', 'rejected', 'failed')),
        synced_version integer,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (kind, key)
      )`);
    await q.query(`CREATE INDEX record_status_idx ON record (status, province_code)`);
    await q.query(`
      CREATE TABLE record_version (
        id bigserial PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('organization', 'location', 'product', 'lot', 'event', 'receipt')),
        key text NOT NULL,
        version integer CHECK (version > 0),
        content_hash text NOT NULL,
        data jsonb NOT NULL,
        status text NOT NULL CHECK (status IN ('ready', 'quarantined', 'conflict', 'rejected', 'synced', 'failed')),
        findings jsonb NOT NULL DEFAULT '[]'::jsonb,
        claimant text,
        event_id text,
        source_key text NOT NULL REFERENCES source (key),
        receipt_id uuid NOT NULL REFERENCES receipt (id),
        item_index integer NOT NULL,
        mapping_version integer,
        webhook_id text,
        poll_page jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((version IS NULL) = (status IN ('quarantined', 'conflict')))
      )`);
    // Accepted content is numbered 1..N per key; quarantined and conflicting arrivals are not.
    await q.query(
      `CREATE UNIQUE INDEX record_version_key_version_uq ON record_version (kind, key, version) WHERE version IS NOT NULL`,
    );
    await q.query(`CREATE INDEX record_version_key_idx ON record_version (kind, key, id)`);
    await q.query(`CREATE INDEX record_version_status_idx ON record_version (status, id)`);
    await q.query(`CREATE INDEX record_version_source_idx ON record_version (source_key, id)`);
    await q.query(`CREATE INDEX record_version_receipt_idx ON record_version (receipt_id)`);
    await q.query(`
      CREATE TABLE record_status_history (
        id bigserial PRIMARY KEY,
        record_version_id bigint NOT NULL REFERENCES record_version (id) ON DELETE CASCADE,
        status text NOT NULL,
        reason text NOT NULL,
        at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX record_status_history_version_idx ON record_status_history (record_version_id, id)`,
    );
    await q.query(`
      CREATE TABLE receipt_record (
        id bigserial PRIMARY KEY,
        receipt_id uuid NOT NULL REFERENCES receipt (id),
        item_index integer NOT NULL,
        kind text NOT NULL,
        key text NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('new', 'version', 'duplicate', 'quarantined', 'conflict')),
        record_version_id bigint REFERENCES record_version (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (receipt_id, item_index)
      )`);
    await q.query(`CREATE INDEX receipt_record_key_idx ON receipt_record (kind, key)`);
    await q.query(`CREATE INDEX receipt_record_outcome_idx ON receipt_record (outcome, id)`);
    await q.query(`
      CREATE TABLE conflict (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code text NOT NULL CHECK (code IN ('KEY_CLAIMED', 'GTIN_PREFIX_OWNER', 'SERIAL_RECOMMISSIONED', 'EVENT_ID_REUSED')),
        kind text NOT NULL,
        key text NOT NULL,
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
        existing_version_id bigint REFERENCES record_version (id),
        incoming_version_id bigint NOT NULL REFERENCES record_version (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        resolved_at timestamptz,
        decision text CHECK (decision IN ('keep-existing', 'accept-incoming', 'reject-both')),
        note text,
        resolved_by text
      )`);
    await q.query(`CREATE INDEX conflict_status_idx ON conflict (status, created_at, id)`);
    await q.query(`CREATE INDEX conflict_key_idx ON conflict (kind, key)`);
    await q.query(`
      CREATE TABLE event_identifier (
        event_id text PRIMARY KEY,
        event_key text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE event_identifier`);
    await q.query(`DROP TABLE conflict`);
    await q.query(`DROP TABLE receipt_record`);
    await q.query(`DROP TABLE record_status_history`);
    await q.query(`DROP TABLE record_version`);
    await q.query(`DROP TABLE record`);
    await q.query(`ALTER TABLE receipt DROP COLUMN counts`);
  }
}
