import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * At most one unfinished poll backfill per source (docs/poll-connector.md, "Backfill"): two
 * operators asking at the same moment cannot both start one, because the second insert of an
 * unfinished `poll-backfill` operation of the source fails on this index (answered 409).
 */
export class OneBackfillPerSource1796439172975 implements MigrationInterface {
  name = 'OneBackfillPerSource1796439172975';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE UNIQUE INDEX operation_one_backfill_per_source ON operation (source_key)
        WHERE kind = 'poll-backfill' AND state IN ('queued', 'running', 'cancelling')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS operation_one_backfill_per_source`);
  }
}
