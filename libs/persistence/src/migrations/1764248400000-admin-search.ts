import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Indexes for the admin UI (docs/adr/0003-admin-ui.md): the records search (key and key prefix,
 * national-model fields inside `data`, webhook-id) and the overview's per-source counts and rate.
 */
export class AdminSearch1764248400000 implements MigrationInterface {
  name = 'AdminSearch1764248400000';

  async up(q: QueryRunner): Promise<void> {
    // Equality and `LIKE 'prefix%'` on keys whatever the kind (`lot:{gtin}/…`, `gln:{gln}:…`).
    await q.query(`CREATE INDEX record_version_key_pattern_idx ON record_version (key text_pattern_ops)`);
    // `data @> '{"lot":"…"}'` and the other identifying fields.
    await q.query(`CREATE INDEX record_version_data_idx ON record_version USING gin (data jsonb_path_ops)`);
    await q.query(
      `CREATE INDEX record_version_webhook_id_idx ON record_version (webhook_id) WHERE webhook_id IS NOT NULL`,
    );
    await q.query(`CREATE INDEX receipt_webhook_id_idx ON receipt (webhook_id) WHERE webhook_id IS NOT NULL`);
    await q.query(`CREATE INDEX record_version_source_status_idx ON record_version (source_key, status)`);
    await q.query(`CREATE INDEX record_version_created_idx ON record_version (created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX record_version_created_idx`);
    await q.query(`DROP INDEX record_version_source_status_idx`);
    await q.query(`DROP INDEX receipt_webhook_id_idx`);
    await q.query(`DROP INDEX record_version_webhook_id_idx`);
    await q.query(`DROP INDEX record_version_data_idx`);
    await q.query(`DROP INDEX record_version_key_pattern_idx`);
  }
}
