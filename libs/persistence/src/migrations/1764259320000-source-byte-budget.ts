import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * A source's rate limit in bytes as well as requests (docs/ingest.md): 600 deliveries a minute of
 * up to 10 MiB each would let one province make the hub store 6 GiB a minute. Existing sources get
 * the default budget, 100 MiB a minute.
 */
export class SourceByteBudget1764259320000 implements MigrationInterface {
  name = 'SourceByteBudget1764259320000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE source ADD COLUMN rate_limit_bytes_per_minute integer NOT NULL DEFAULT 104857600
        CHECK (rate_limit_bytes_per_minute >= 1024)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE source DROP COLUMN rate_limit_bytes_per_minute`);
  }
}
