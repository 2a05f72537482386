import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Per-minute activity for the operators' charts (docs/admin-ui.md, "Charts"; the choice is recorded in
 * docs/adr/0005-activity-minutes.md): `activity_minute` per source and minute, `queue_depth_minute` per
 * queue and minute, both written by the maintenance queue's roll-up, never by the hot paths. The
 * roll-up counts what the existing timestamps say; record_version.synced_at gets the index it needs
 * for that (created_at has one since 1764248400000).
 */
export class ActivityMinutes1764288900000 implements MigrationInterface {
  name = 'ActivityMinutes1764288900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE activity_minute (
        minute timestamptz NOT NULL,
        source_key text NOT NULL,
        province_code text NOT NULL,
        received integer NOT NULL DEFAULT 0,
        quarantined integer NOT NULL DEFAULT 0,
        synced integer NOT NULL DEFAULT 0,
        lag_sum_ms bigint NOT NULL DEFAULT 0,
        lag_max_ms bigint NOT NULL DEFAULT 0,
        backlog integer,
        PRIMARY KEY (minute, source_key)
      )`);
    await q.query(`CREATE INDEX activity_minute_source_idx ON activity_minute (source_key, minute)`);
    await q.query(`CREATE INDEX activity_minute_province_idx ON activity_minute (province_code, minute)`);
    await q.query(`
      CREATE TABLE queue_depth_minute (
        minute timestamptz NOT NULL,
        queue text NOT NULL,
        waiting integer NOT NULL,
        active integer NOT NULL,
        delayed integer NOT NULL,
        failed integer NOT NULL,
        PRIMARY KEY (minute, queue)
      )`);
    await q.query(
      `CREATE INDEX record_version_synced_at_idx ON record_version (synced_at) WHERE synced_at IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX record_version_synced_at_idx`);
    await q.query(`DROP TABLE queue_depth_minute`);
    await q.query(`DROP TABLE activity_minute`);
  }
}
