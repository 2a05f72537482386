import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Receipt bodies may be purged after RECEIPT_BODY_RETENTION_DAYS (docs/pipeline.md, "Retention"):
 * the row, its SHA-256 digest (stored at intake since the first migration), its counts and every
 * record stay; `body` becomes NULL and `body_purged_at` says when. A body is NULL only once purged.
 * The partial index holds exactly the receipts a purge still has to look at.
 */
export class ReceiptBodyRetention1764266400000 implements MigrationInterface {
  name = 'ReceiptBodyRetention1764266400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE receipt ALTER COLUMN body DROP NOT NULL`);
    await q.query(`ALTER TABLE receipt ADD COLUMN body_purged_at timestamptz`);
    await q.query(`
      ALTER TABLE receipt ADD CONSTRAINT receipt_body_kept_or_purged
        CHECK ((body IS NULL) = (body_purged_at IS NOT NULL))`);
    await q.query(`
      CREATE INDEX receipt_body_retention_idx ON receipt (processed_at)
       WHERE body_purged_at IS NULL AND status IN ('processed', 'failed')`);
  }

  /** Purged bodies cannot come back: they become empty, their digest still says what they were. */
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX receipt_body_retention_idx`);
    await q.query(`ALTER TABLE receipt DROP CONSTRAINT receipt_body_kept_or_purged`);
    await q.query(`UPDATE receipt SET body = ''::bytea WHERE body IS NULL`);
    await q.query(`ALTER TABLE receipt DROP COLUMN body_purged_at`);
    await q.query(`ALTER TABLE receipt ALTER COLUMN body SET NOT NULL`);
  }
}
