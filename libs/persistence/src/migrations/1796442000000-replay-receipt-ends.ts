import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Where each receipt of a replay of chosen receipts ended (docs/pipeline.md, "Replay of chosen
 * receipts"): its ingest job writes a row when it has judged the receipt, or when it fails for good,
 * so the run waits for its batch with one query here instead of asking BullMQ for every job.
 */
export class ReplayReceiptEnds1796442000000 implements MigrationInterface {
  name = 'ReplayReceiptEnds1796442000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE replay_receipt_end (
        operation_id uuid NOT NULL REFERENCES operation (id) ON DELETE CASCADE,
        receipt_id uuid NOT NULL,
        failed boolean NOT NULL,
        ended_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (operation_id, receipt_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE replay_receipt_end`);
  }
}
