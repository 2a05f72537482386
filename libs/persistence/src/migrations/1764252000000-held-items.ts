import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Records of a receipt that arrived but are not judged yet, because a check they need is held back
 * (the GS1 prefix registry unreachable, or an earlier arrival of their key held back): what
 * `GET /v1/admin/records?status=received` lists, so such a record is visible at every step
 * (docs/pipeline.md, "Held back"). A row is deleted in the transaction that judges its item.
 */
export class HeldItems1764252000000 implements MigrationInterface {
  name = 'HeldItems1764252000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE held_item (
        receipt_id uuid NOT NULL REFERENCES receipt (id),
        item_index integer NOT NULL CHECK (item_index >= 0),
        kind text NOT NULL,
        key text NOT NULL,
        content_hash text NOT NULL,
        data jsonb,
        claimant text,
        reason text NOT NULL,
        since timestamptz NOT NULL DEFAULT now(),
        checked_at timestamptz NOT NULL DEFAULT now(),
        id bigserial UNIQUE,
        PRIMARY KEY (receipt_id, item_index)
      )`);
    await q.query(`CREATE INDEX held_item_key_idx ON held_item (kind, key)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE held_item`);
  }
}
