import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * A source's receipts are judged in the order the hub stored them (docs/pipeline.md, "Receipt
 * order"): before judging one, the ingest worker asks whether an earlier receipt of the same source
 * is still unjudged. Unfinished receipts are a handful beside the processed millions, so a partial
 * index on the source and the receipt order makes that question one index probe.
 */
export class ReceiptOrder1764273600000 implements MigrationInterface {
  name = 'ReceiptOrder1764273600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX receipt_unjudged_source_idx ON receipt (source_key, received_at, id)
        WHERE status IN ('stored', 'queued', 'processing')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX receipt_unjudged_source_idx`);
  }
}
