import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The envelope the source's mapping made of a webhook body at intake, as JSON text, kept only until
 * the receipt's job begins (docs/ingest.md, "Mapped once"): the worker judges it instead of mapping
 * the body a second time. NULL for poll pages, for bodies whose mapping failed at intake, and once
 * the job has begun; the body stays the truth, and anything judged from it again maps it again.
 */
export class ReceiptMappedEnvelope1764292500000 implements MigrationInterface {
  name = 'ReceiptMappedEnvelope1764292500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE receipt ADD COLUMN mapped_envelope text`);
  }

  /** The column only spares work: dropping it loses nothing the body cannot give again. */
  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE receipt DROP COLUMN mapped_envelope`);
  }
}
