import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Sync's claims move out of `record_version` (docs/sync.md, "What a batch costs PostgreSQL").
 *
 * A claim used to `UPDATE record_version SET sync_batch_id = …`: a change of an indexed column, so
 * never a HOT update, and each of the 500 versions of a batch got a new entry in every one of
 * record_version's 14 indexes — the same again when the portal's answer set the status. Measured,
 * the two updates were two thirds of the sync's database time. A claim is now a row of the narrow
 * `sync_claim` (the version, the batch), inserted with the batch and deleted when the batch is
 * acknowledged, failed or abandoned; `record_version` is written once, with the answer
 * (`sync_batch_id` stays as provenance on synced and rejected versions, set then).
 *
 * `record_version_sync_batch_idx` goes: nothing looks versions up by batch any more, and every
 * acknowledged version paid an entry in it.
 */
export class SyncIndexes1764255600000 implements MigrationInterface {
  name = 'SyncIndexes1764255600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sync_claim (
        record_version_id bigint PRIMARY KEY REFERENCES record_version (id) ON DELETE CASCADE,
        sync_batch_id bigint NOT NULL REFERENCES sync_batch (id)
      )`);
    await q.query(`CREATE INDEX sync_claim_batch_idx ON sync_claim (sync_batch_id)`);
    // Batches claimed before this migration and still pending keep their versions claimed.
    await q.query(`
      INSERT INTO sync_claim (record_version_id, sync_batch_id)
      SELECT rv.id, rv.sync_batch_id FROM record_version rv JOIN sync_batch b ON b.id = rv.sync_batch_id
       WHERE rv.status = 'ready' AND b.status = 'pending'`);
    await q.query(`DROP INDEX record_version_sync_batch_idx`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX record_version_sync_batch_idx ON record_version (sync_batch_id) WHERE sync_batch_id IS NOT NULL`,
    );
    await q.query(`
      UPDATE record_version rv SET sync_batch_id = c.sync_batch_id
        FROM sync_claim c WHERE c.record_version_id = rv.id`);
    await q.query(`DROP TABLE sync_claim`);
  }
}
