import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * One progress model for the hub's long work (docs/adr/0006-operations.md): `operation` holds what
 * every long piece of work shares — who asked, what it concerns, its state, its counts (done of
 * total, failed), when it started and ended, and whether someone asked to cancel it. The kind's own
 * detail stays where it was: `replay_run` keeps what a replay matched (its id is the operation's),
 * `reconciliation_run` keeps digests and differing keys and names its operation.
 *
 * The replay runs already stored become operations here, so GET /v1/admin/operations lists them.
 */
export class Operations1764296100000 implements MigrationInterface {
  name = 'Operations1764296100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE operation (
        id uuid PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('replay', 'reconciliation', 'poll-backfill', 'conflict-resolve')),
        actor text NOT NULL,
        province_code text,
        source_key text,
        params jsonb NOT NULL DEFAULT '{}',
        state text NOT NULL DEFAULT 'queued'
          CHECK (state IN ('queued', 'running', 'cancelling', 'done', 'failed', 'cancelled')),
        total integer CHECK (total IS NULL OR total >= 0),
        done integer NOT NULL DEFAULT 0,
        failed integer NOT NULL DEFAULT 0,
        result jsonb,
        error text,
        cancel_requested_at timestamptz,
        cancel_requested_by text,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz
      )`);
    await q.query(`CREATE INDEX operation_created_idx ON operation (created_at DESC, id)`);
    await q.query(`CREATE INDEX operation_province_idx ON operation (province_code, created_at DESC)`);
    await q.query(
      `CREATE INDEX operation_unfinished_idx ON operation (kind, created_at)
        WHERE state IN ('queued', 'running', 'cancelling')`,
    );
    await q.query(`ALTER TABLE replay_run DROP CONSTRAINT IF EXISTS replay_run_state_check`);
    await q.query(
      `ALTER TABLE replay_run ADD CONSTRAINT replay_run_state_check
         CHECK (state IN ('queued', 'running', 'done', 'failed', 'cancelled'))`,
    );
    // A bulk replay narrows by finding code and by when the receipts arrived (docs/pipeline.md, "Replay").
    await q.query(
      `ALTER TABLE replay_run ADD COLUMN finding_code text, ADD COLUMN received_from timestamptz,
         ADD COLUMN received_to timestamptz`,
    );
    // Replay runs so far, as operations: done of total is receipts queued of receipts (quarantined,
    // rejected) or versions handled of versions matched (failed).
    await q.query(`
      INSERT INTO operation (id, kind, actor, province_code, source_key, params, state, total, done, failed,
                             result, error, created_at, started_at, updated_at, finished_at)
      SELECT r.id, 'replay', r.actor, s.province_code, r.source_key,
             jsonb_build_object('status', r.status, 'kind', r.kind),
             r.state,
             CASE WHEN r.status = 'failed' THEN r.matched + r.outdated ELSE r.receipts END,
             CASE WHEN r.status = 'failed' THEN r.versions_requeued + r.outdated_kept ELSE r.receipts_queued END,
             0,
             jsonb_build_object('replayed', r.matched, 'receipts', r.receipts, 'outdated', r.outdated,
                                'expired', r.expired),
             r.error, r.created_at, r.started_at, coalesce(r.finished_at, r.started_at, r.created_at), r.finished_at
        FROM replay_run r LEFT JOIN source s ON s.key = r.source_key`);
    await q.query(`ALTER TABLE reconciliation_run ADD COLUMN operation_id uuid REFERENCES operation (id)`);
    await q.query(
      `CREATE INDEX reconciliation_run_operation_idx ON reconciliation_run (operation_id) WHERE operation_id IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE reconciliation_run DROP COLUMN operation_id`);
    await q.query(
      `ALTER TABLE replay_run DROP COLUMN finding_code, DROP COLUMN received_from, DROP COLUMN received_to`,
    );
    await q.query(
      `UPDATE replay_run SET state = 'failed', error = coalesce(error, 'cancelled') WHERE state = 'cancelled'`,
    );
    await q.query(`ALTER TABLE replay_run DROP CONSTRAINT IF EXISTS replay_run_state_check`);
    await q.query(
      `ALTER TABLE replay_run ADD CONSTRAINT replay_run_state_check
         CHECK (state IN ('queued', 'running', 'done', 'failed'))`,
    );
    await q.query(`DROP TABLE operation`);
  }
}
