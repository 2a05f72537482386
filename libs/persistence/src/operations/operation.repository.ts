import { type DataSource, type EntityManager } from 'typeorm';
import { PgReplayRepository } from '../replay/replay.repository';
import { type ProvinceScope, scopeParam } from '../scope/province-scope';
import {
  type NewOperation,
  type OperationFilter,
  type OperationRow,
  type OperationState,
  type OperationTick,
  PROVINCE_OPERATION_KINDS,
} from './operation.types';

const COLUMNS = `id::text, kind, actor, province_code AS "provinceCode", source_key AS "sourceKey", params, state,
  total, done, failed, result, error, cancel_requested_at AS "cancelRequestedAt",
  cancel_requested_by AS "cancelRequestedBy", created_at AS "createdAt", started_at AS "startedAt",
  updated_at AS "updatedAt", finished_at AS "finishedAt"`;

/** SQL: the operation is visible to the scope in parameter `$n` (null: the whole country). */
const inScopeSql = (n: number): string =>
  `($${n}::text[] IS NULL OR (province_code = ANY($${n}::text[]) AND kind = ANY(ARRAY[${PROVINCE_OPERATION_KINDS.map((k) => `'${k}'`).join(', ')}])))`;

/**
 * The `operation` table (docs/adr/0006-operations.md): every state change is one conditional UPDATE,
 * so a cancel and the work's own progress never overwrite each other, and an ended operation never
 * changes again.
 */
export class PgOperationRepository {
  /** A replay's own row (`replay_run`) is written by its repository only. */
  private readonly replayRuns: PgReplayRepository;

  constructor(private readonly dataSource: DataSource) {
    this.replayRuns = new PgReplayRepository(dataSource);
  }

  /** Stores a new operation as queued; pass the transaction's manager to commit it with its cause. */
  async create(op: NewOperation, manager: EntityManager = this.dataSource.manager): Promise<void> {
    await manager.query(
      `INSERT INTO operation (id, kind, actor, province_code, source_key, params, total)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (id) DO NOTHING`,
      [
        op.id,
        op.kind,
        op.actor,
        op.provinceCode ?? null,
        op.sourceKey ?? null,
        JSON.stringify(op.params ?? {}),
        op.total ?? null,
      ],
    );
  }

  /**
   * Stores a new operation unless one of the same kind, province and `params[param]` (a string) is still
   * unfinished (queued, running or cancelling): then nothing is stored and that one's id is the
   * answer. A transaction-scoped advisory lock on the three makes two askers at once one operation
   * and one refusal. `alongside` runs in the same transaction (the request's audit entry), so the
   * operation and its cause commit together.
   */
  async createUnlessUnfinished(
    op: NewOperation & { provinceCode: string },
    param: string,
    alongside?: (manager: EntityManager) => Promise<void>,
  ): Promise<string | null> {
    const given = op.params?.[param];
    const value = typeof given === 'string' ? given : '';
    return this.dataSource.transaction(async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock(hashtext('txng-operation'), hashtext($1))`, [
        `${op.kind}:${op.provinceCode}:${value}`,
      ]);
      const [running] = await m.query<Array<{ id: string }>>(
        `SELECT id::text FROM operation
          WHERE kind = $1 AND province_code = $2 AND coalesce(params->>$3, '') = $4
            AND state IN ('queued', 'running', 'cancelling')
          ORDER BY created_at LIMIT 1`,
        [op.kind, op.provinceCode, param, value],
      );
      if (running) return running.id;
      await this.create(op, m);
      if (alongside) await alongside(m);
      return null;
    });
  }

  /**
   * The operation of a replay run stored without one (a run asked for before operations existed, or
   * by a process that does not yet store both): made from `replay_run`, as the migration did.
   */
  async adoptReplayRun(runId: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO operation (id, kind, actor, province_code, source_key, params, total, result, created_at)
       SELECT r.id, 'replay', r.actor, s.province_code, r.source_key,
              jsonb_strip_nulls(jsonb_build_object('status', r.status, 'kind', r.kind, 'findingCode', r.finding_code,
                                                   'receivedFrom', r.received_from, 'receivedTo', r.received_to)),
              CASE WHEN r.status = 'failed' THEN r.matched + r.outdated ELSE r.receipts END,
              jsonb_build_object('replayed', r.matched, 'receipts', r.receipts, 'outdated', r.outdated,
                                 'expired', r.expired),
              r.created_at
         FROM replay_run r LEFT JOIN source s ON s.key = r.source_key
        WHERE r.id = $1
       ON CONFLICT (id) DO NOTHING`,
      [runId],
    );
  }

  async get(id: string, scope: ProvinceScope = null): Promise<OperationRow | null> {
    const rows: OperationRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM operation WHERE id = $1 AND ${inScopeSql(2)}`,
      [id, scopeParam(scope)],
    );
    return rows[0] ?? null;
  }

  /**
   * Newest first, keyset-paged on (created_at to the millisecond, id): the cursor carries the time as
   * the API writes it (ISO 8601, milliseconds), so the order compares exactly that.
   */
  async list(filter: OperationFilter, scope: ProvinceScope = null): Promise<OperationRow[]> {
    return this.dataSource.query(
      `SELECT ${COLUMNS} FROM operation
        WHERE ${inScopeSql(1)}
          AND ($2::text IS NULL OR kind = $2) AND ($3::text IS NULL OR state = $3)
          AND ($4::text IS NULL OR source_key = $4) AND ($5::text IS NULL OR province_code = $5)
          AND (NOT $6::boolean OR state IN ('queued', 'running', 'cancelling'))
          AND ($7::timestamptz IS NULL OR (date_trunc('milliseconds', created_at), id) < ($7::timestamptz, $8::uuid))
        ORDER BY date_trunc('milliseconds', created_at) DESC, id DESC LIMIT $9`,
      [
        scopeParam(scope),
        filter.kind ?? null,
        filter.state ?? null,
        filter.sourceKey ?? null,
        filter.provinceCode ?? null,
        filter.unfinished ?? false,
        filter.before?.createdAt ?? null,
        filter.before?.id ?? null,
        filter.limit,
      ],
    );
  }

  /**
   * queued → running (a running one stays running: a job taken again after a crash resumes). Answers
   * null when the operation is not there or has ended — cancelled while it waited, say — and the
   * work must not start; a cancel asked for while it waited ends it as cancelled here.
   */
  async start(id: string): Promise<OperationRow | null> {
    await this.dataSource.query(
      `UPDATE operation SET state = 'cancelled', finished_at = now(), updated_at = now()
        WHERE id = $1 AND state = 'cancelling' AND started_at IS NULL`,
      [id],
    );
    const [rows] = await this.dataSource.query<[OperationRow[], number]>(
      `UPDATE operation SET state = CASE WHEN state = 'cancelling' THEN state ELSE 'running' END,
              started_at = coalesce(started_at, now()), updated_at = now()
        WHERE id = $1 AND state IN ('queued', 'running', 'cancelling')
       RETURNING ${COLUMNS}`,
      [id],
    );
    return rows[0] ?? null;
  }

  /** Sets the number of items once it is known (or known better). */
  async setTotal(id: string, total: number): Promise<void> {
    await this.dataSource.query(`UPDATE operation SET total = $2, updated_at = now() WHERE id = $1`, [
      id,
      Math.max(0, total),
    ]);
  }

  /**
   * Adds what the last item or batch did (after it committed) and answers whether a cancel is asked
   * for, so the work stops between items.
   */
  async advance(
    id: string,
    delta: { done: number; failed?: number },
    manager: EntityManager = this.dataSource.manager,
  ): Promise<OperationTick> {
    const [rows] = await manager.query<[Array<{ state: OperationState; cancel: boolean }>, number]>(
      `UPDATE operation SET done = done + $2, failed = failed + $3, updated_at = now()
        WHERE id = $1
       RETURNING state, cancel_requested_at IS NOT NULL AS cancel`,
      [id, delta.done, delta.failed ?? 0],
    );
    const row = rows[0];
    return row
      ? { state: row.state, cancelRequested: row.cancel }
      : { state: 'failed', cancelRequested: true };
  }

  /** Whether a cancel has been asked for (without counting anything). */
  async cancelRequested(id: string): Promise<boolean> {
    const rows: Array<{ cancel: boolean }> = await this.dataSource.query(
      `SELECT cancel_requested_at IS NOT NULL AS cancel FROM operation WHERE id = $1`,
      [id],
    );
    return rows[0]?.cancel ?? true;
  }

  /** Ends a running operation; an operation already ended keeps its end. Answers whether it ended it. */
  async finish(
    id: string,
    state: 'done' | 'failed' | 'cancelled',
    outcome: { result?: Record<string, unknown> | null; error?: string | null } = {},
  ): Promise<boolean> {
    const [ended] = await this.dataSource.query<[Array<{ kind: string }>, number]>(
      `UPDATE operation SET state = $2, result = coalesce($3::jsonb, result), error = $4,
              finished_at = now(), updated_at = now()
        WHERE id = $1 AND state IN ('queued', 'running', 'cancelling')
       RETURNING kind`,
      [id, state, outcome.result ? JSON.stringify(outcome.result) : null, outcome.error ?? null],
    );
    if (ended[0]?.kind === 'replay' && state === 'cancelled') await this.replayRuns.cancelled(id);
    return ended.length > 0;
  }

  /**
   * Asks an operation to stop: a queued one is cancelled at once (its job will find it ended), a
   * running one becomes `cancelling` until its work reaches the next item. Answers the operation as
   * it is now, null when it is not in the scope; an ended one is answered unchanged.
   */
  async requestCancel(id: string, actor: string, scope: ProvinceScope = null): Promise<OperationRow | null> {
    const [changed] = await this.dataSource.query<[Array<{ kind: string; state: string }>, number]>(
      `UPDATE operation
          SET cancel_requested_at = coalesce(cancel_requested_at, now()),
              cancel_requested_by = coalesce(cancel_requested_by, $2),
              state = CASE WHEN state = 'queued' THEN 'cancelled' ELSE 'cancelling' END,
              finished_at = CASE WHEN state = 'queued' THEN now() ELSE finished_at END,
              updated_at = now()
        WHERE id = $1 AND state IN ('queued', 'running', 'cancelling') AND ${inScopeSql(3)}
       RETURNING kind, state`,
      [id, actor, scopeParam(scope)],
    );
    if (changed[0]?.kind === 'replay' && changed[0].state === 'cancelled')
      await this.replayRuns.cancelled(id);
    return this.get(id, scope);
  }

  /** Ids of a kind's operations still queued or running, older than `graceSeconds`, oldest first. */
  async unfinished(kind: string, graceSeconds: number, limit: number): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT id::text FROM operation
        WHERE kind = $1 AND state IN ('queued', 'running', 'cancelling')
          AND created_at < now() - make_interval(secs => $2)
        ORDER BY created_at LIMIT $3`,
      [kind, graceSeconds, limit],
    );
    return rows.map((r) => r.id);
  }
}
