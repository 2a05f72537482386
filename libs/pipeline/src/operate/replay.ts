import { randomUUID } from 'node:crypto';
import { type ProvinceScope } from '@txng/persistence';
import { NotFoundError } from './operation-errors';
import { type ReplayCounts, type ReplayStatus, type ReplayStore } from './replay-store.port';

export interface ReplayRequest {
  status: ReplayStatus;
  sourceKey?: string | null;
  kind?: string | null;
  /** quarantined/rejected only: receipts holding a version with a finding of this code. */
  findingCode?: string | null;
  /** quarantined/rejected only: receipts received at or after this time… */
  receivedFrom?: Date | null;
  /** …and before this one. */
  receivedTo?: Date | null;
  actor: string;
}

/** What a replay matched when it was asked for (the answer of POST /v1/admin/replay). */
export interface ReplayRun extends ReplayCounts {
  runId: string;
}

/**
 * The operator's replay, asked for (docs/pipeline.md, "Replay"): counts what the filter matches,
 * stores the run (`replay_run`, state `queued`) and audits it, in one transaction. The work itself is
 * a job (ReplayRunner), so that the request answers at once whatever the number of records.
 */
export class ReplayPlanner {
  constructor(private readonly store: ReplayStore) {}

  /**
   * A source named must be of the caller's provinces (another province's is unknown: NotFoundError), so the
   * run's filter, and the job that does the work, never reach another province's records.
   */
  /** `scope`: the caller's provinces, null for the whole country. */
  async prepare(req: ReplayRequest, scope: ProvinceScope = null): Promise<ReplayRun> {
    const filter = {
      status: req.status,
      sourceKey: req.sourceKey ?? null,
      kind: req.kind ?? null,
      findingCode: req.findingCode ?? null,
      receivedFrom: req.receivedFrom ?? null,
      receivedTo: req.receivedTo ?? null,
    };
    if (filter.sourceKey !== null && !(await this.store.sourceInScope(filter.sourceKey, scope))) {
      throw new NotFoundError(`Source "${filter.sourceKey}"`);
    }
    const runId = randomUUID();
    return this.store.transaction(async (tx) => {
      const counts = filter.status === 'failed' ? await tx.countFailed(filter) : await tx.countLinked(filter);
      await tx.insertRun({ id: runId, actor: req.actor, ...filter }, counts);
      await tx.audit({
        actor: req.actor,
        action: 'records.replay',
        target: runId,
        details: {
          status: filter.status,
          sourceKey: filter.sourceKey,
          kind: filter.kind,
          findingCode: filter.findingCode,
          receivedFrom: filter.receivedFrom?.toISOString() ?? null,
          receivedTo: filter.receivedTo?.toISOString() ?? null,
          replayed: counts.replayed,
          receipts: counts.receipts,
          outdated: counts.outdated,
          expired: counts.expired,
        },
      });
      return { runId, ...counts };
    });
  }

  /** The run's job could not be queued: the run ends `failed`, saying so. */
  async notQueued(runId: string, error: unknown): Promise<void> {
    await this.store.fail(runId, `not queued: ${(error as Error).message}`);
  }
}
