import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The receipt sweeper looks, every few seconds, at every receipt not yet processed to check that
 * its ingest job still exists (docs/pipeline.md, "What is rebuilt from PostgreSQL"). Unfinished
 * receipts are a handful beside the processed millions: a partial index keeps that read small.
 */
export class ReceiptRecovery1764262800000 implements MigrationInterface {
  name = 'ReceiptRecovery1764262800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX receipt_unfinished_idx ON receipt (received_at, id)
        WHERE status IN ('stored', 'queued', 'processing')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX receipt_unfinished_idx`);
  }
}
