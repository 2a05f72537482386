import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The operators' quarantine alert counts the records of receipts processed in the last hour
 * (PgAlertStore.quarantineLastHour). Without an index by `processed_at` it read every receipt ever
 * stored, each time alerts were evaluated; with millions of small receipts that is a scan of the
 * table. The retention index (processed_at, partial: bodies still kept) would serve it only as long
 * as every body is kept for more than an hour, a tie between the alert and RECEIPT_BODY_RETENTION_DAYS
 * that nothing would enforce.
 */
export class ReceiptProcessedIndex1796445600000 implements MigrationInterface {
  name = 'ReceiptProcessedIndex1796445600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX receipt_processed_idx ON receipt (processed_at) WHERE processed_at IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX receipt_processed_idx`);
  }
}
