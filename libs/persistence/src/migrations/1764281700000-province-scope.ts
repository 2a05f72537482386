import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Province-scoped tokens (hub-interface.md, "v1 additions"): a token may be limited to some
 * provinces (`provinces`, null for the whole country), and an audit entry says which provinces it
 * concerns (`province_codes`, null for the Center's own actions such as tokens and queues), so a
 * province token's audit list is filtered in the query. The index serves the receipts list newest
 * first (receipt_source_idx already serves one source's).
 */
export class ProvinceScope1764281700000 implements MigrationInterface {
  name = 'ProvinceScope1764281700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE api_token ADD COLUMN provinces text[]`);
    await q.query(
      `ALTER TABLE api_token ADD CONSTRAINT api_token_provinces_role
         CHECK (provinces IS NULL OR (role <> 'admin' AND cardinality(provinces) > 0))`,
    );
    await q.query(`ALTER TABLE audit_log ADD COLUMN province_codes text[]`);
    await q.query(`CREATE INDEX audit_log_province_codes_idx ON audit_log USING gin (province_codes)`);
    await q.query(`CREATE INDEX receipt_received_idx ON receipt (received_at DESC, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX receipt_received_idx`);
    await q.query(`DROP INDEX audit_log_province_codes_idx`);
    await q.query(`ALTER TABLE audit_log DROP COLUMN province_codes`);
    await q.query(`ALTER TABLE api_token DROP CONSTRAINT api_token_provinces_role`);
    await q.query(`ALTER TABLE api_token DROP COLUMN provinces`);
  }
}
