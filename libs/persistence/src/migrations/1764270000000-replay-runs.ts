import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * A replay is a job now (docs/pipeline.md, "Replay"): `replay_run` holds what it matched when it was
 * asked for, its state and its progress, so that GET /v1/admin/replay/{runId} answers from
 * PostgreSQL however long ago the run finished (BullMQ forgets finished jobs).
 */
export class ReplayRuns1764270000000 implements MigrationInterface {
  name = 'ReplayRuns1764270000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE replay_run (
        id uuid PRIMARY KEY,
        actor text NOT NULL,
        status text NOT NULL CHECK (status IN ('quarantined', 'failed', 'rejected')),
        source_key text,
        kind text,
        state text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'done', 'failed')),
        matched integer NOT NULL,
        receipts integer NOT NULL,
        outdated integer NOT NULL,
        expired integer NOT NULL,
        receipts_queued integer NOT NULL DEFAULT 0,
        versions_requeued integer NOT NULL DEFAULT 0,
        outdated_kept integer NOT NULL DEFAULT 0,
        error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz
      )`);
    await q.query(`CREATE INDEX replay_run_created_idx ON replay_run (created_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE replay_run`);
  }
}
