import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** The tables that grow with every record or webhook, whose plans depend on fresh statistics. */
const TABLES = ['record_version', 'record', 'receipt', 'receipt_record'] as const;

/**
 * Autovacuum analyses a table after 10 % of it changed (PostgreSQL's default): a burst of new
 * versions into a table of 1,000,000 leaves its plans on statistics that say none is ready until
 * 100,000 rows have changed (docs/BENCHMARKS.md, "Held data"). At 1 % the statistics follow such a burst
 * within autovacuum's next round (autovacuum_naptime, a minute by default); an insert-only burst
 * also gets its visibility map set sooner, which the index-only counts of the overview read.
 * The hot queries still do not depend on it (docs/sync.md, "Statistics"): a burst is faster
 * than any analyse.
 */
export class AnalyzeBigTablesSooner1796445000000 implements MigrationInterface {
  name = 'AnalyzeBigTablesSooner1796445000000';

  async up(q: QueryRunner): Promise<void> {
    for (const table of TABLES) {
      await q.query(
        `ALTER TABLE ${table} SET (autovacuum_analyze_scale_factor = 0.01, autovacuum_vacuum_insert_scale_factor = 0.05)`,
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of TABLES) {
      await q.query(`ALTER TABLE ${table} RESET (autovacuum_analyze_scale_factor, autovacuum_vacuum_insert_scale_factor)`);
    }
  }
}
