import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Provincial sources, their mapping versions, and receipts: the raw bodies the hub acknowledged,
 * kept before any 202 so that nothing acknowledged is lost whatever fails afterwards.
 */
export class SourcesAndReceipts1764234000000 implements MigrationInterface {
  name = 'SourcesAndReceipts1764234000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE source (
        key text PRIMARY KEY CHECK (key ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
        province_code text NOT NULL CHECK (province_code ~ '^[0-9]{2}$'),
        name text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('webhook', 'poll')),
        format text NOT NULL CHECK (format IN ('json', 'xml', 'csv', 'epcis-json', 'epcis-xml')),
        stage text NOT NULL DEFAULT 'draft' CHECK (stage IN ('draft', 'testing', 'active', 'paused')),
        stage_before_pause text CHECK (stage_before_pause IN ('testing', 'active')),
        mapping_version integer,
        poll jsonb,
        secrets_enc text,
        max_body_bytes integer NOT NULL DEFAULT 10485760 CHECK (max_body_bytes > 0),
        rate_limit_per_minute integer NOT NULL DEFAULT 600 CHECK (rate_limit_per_minute > 0),
        policy jsonb NOT NULL DEFAULT '{}'::jsonb,
        health text NOT NULL DEFAULT 'healthy' CHECK (health IN ('healthy', 'unhealthy')),
        consecutive_failures integer NOT NULL DEFAULT 0,
        last_error text,
        last_receipt_at timestamptz,
        last_poll_at timestamptz,
        next_poll_after timestamptz,
        checkpoint jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz
      )`);
    await q.query(`CREATE INDEX source_province_idx ON source (province_code)`);
    await q.query(`
      CREATE TABLE mapping_version (
        source_key text NOT NULL REFERENCES source (key),
        version integer NOT NULL CHECK (version > 0),
        language text NOT NULL CHECK (language IN ('jsonata')),
        expression text NOT NULL,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (source_key, version)
      )`);
    await q.query(`
      CREATE TABLE receipt (
        id uuid PRIMARY KEY,
        source_key text NOT NULL REFERENCES source (key),
        origin text NOT NULL CHECK (origin IN ('webhook', 'poll')),
        webhook_id text,
        poll_page jsonb,
        content_type text NOT NULL,
        body bytea NOT NULL,
        body_sha256 text NOT NULL,
        size_bytes integer NOT NULL,
        record_count integer,
        mapping_version integer,
        status text NOT NULL DEFAULT 'stored'
          CHECK (status IN ('stored', 'queued', 'processing', 'processed', 'failed')),
        error text,
        received_at timestamptz NOT NULL DEFAULT now(),
        queued_at timestamptz,
        processed_at timestamptz,
        UNIQUE (source_key, webhook_id)
      )`);
    await q.query(`CREATE INDEX receipt_unqueued_idx ON receipt (received_at) WHERE queued_at IS NULL`);
    await q.query(`CREATE INDEX receipt_source_idx ON receipt (source_key, received_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE receipt`);
    await q.query(`DROP TABLE mapping_version`);
    await q.query(`DROP TABLE source`);
  }
}
