import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * What the pipeline needs for operators and the last two conflict codes (docs/pipeline.md):
 * - record_version may be `rejected` without a version number (an arrival rejected in conflict:
 *   never sent, never numbered) and `replayed` (an arrival superseded by a replay run);
 * - receipt_record remembers which replay run wrote a link, so a replay job run twice re-judges
 *   nothing twice;
 * - commissioned_serial: the first commissioning of each SGTIN (SERIAL_RECOMMISSIONED), claimed like
 *   event_identifier;
 * - prefix_registry_cache: the portal's GS1 company prefix registry answers, shared by every process.
 */
export class PipelineOperations1764241200000 implements MigrationInterface {
  name = 'PipelineOperations1764241200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE record_version DROP CONSTRAINT record_version_status_check`);
    await q.query(`ALTER TABLE record_version DROP CONSTRAINT record_version_check`);
    await q.query(`
      ALTER TABLE record_version ADD CONSTRAINT record_version_status_check
        CHECK (status IN ('ready', 'quarantined', 'conflict', 'rejected', 'synced', 'failed', 'replayed'))`);
    await q.query(`
      ALTER TABLE record_version ADD CONSTRAINT record_version_check
        CHECK (CASE WHEN status IN ('quarantined', 'conflict', 'replayed') THEN version IS NULL
                    WHEN status = 'rejected' THEN true
                    ELSE version IS NOT NULL END)`);
    await q.query(`ALTER TABLE receipt_record ADD COLUMN replay_run uuid`);
    await q.query(`
      CREATE TABLE commissioned_serial (
        sgtin text PRIMARY KEY,
        event_key text NOT NULL,
        read_point text,
        owner text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE prefix_registry_cache (
        kind text NOT NULL CHECK (kind IN ('prefix', 'digits', 'miss')),
        digits text NOT NULL,
        prefix text,
        status text CHECK (status IN ('active', 'revoked')),
        owner_tax_code text,
        owner jsonb,
        fetched_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (kind, digits)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE prefix_registry_cache`);
    await q.query(`DROP TABLE commissioned_serial`);
    await q.query(`ALTER TABLE receipt_record DROP COLUMN replay_run`);
    await q.query(`ALTER TABLE record_version DROP CONSTRAINT record_version_check`);
    await q.query(`ALTER TABLE record_version DROP CONSTRAINT record_version_status_check`);
    await q.query(`
      ALTER TABLE record_version ADD CONSTRAINT record_version_status_check
        CHECK (status IN ('ready', 'quarantined', 'conflict', 'rejected', 'synced', 'failed'))`);
    await q.query(`
      ALTER TABLE record_version ADD CONSTRAINT record_version_check
        CHECK ((version IS NULL) = (status IN ('quarantined', 'conflict')))`);
  }
}
