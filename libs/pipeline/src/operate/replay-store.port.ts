import {
  type AuditEvent,
  type ProvinceScope,
  type ReplayCounts,
  type ReplayFilter,
  type ReplayKey,
  type ReplayLink,
  type ReplayProgress,
  type StartedReplayRun,
} from '@txng/persistence';

// The types the replay's store speaks in live beside its adapter (libs/persistence/src/replay).
export {
  REPLAY_STATUSES,
  type ReplayCounts,
  type ReplayFilter,
  type ReplayKey,
  type ReplayLink,
  type ReplayProgress,
  type ReplayStatus,
  type StartedReplayRun,
} from '@txng/persistence/replay/replay.types';

/** The planner's transaction: the counts, the stored run and its audit entry commit together. */
export interface ReplayPlanTx {
  /** Quarantined or rejected: versions linked from receipts, those receipts, and the purged ones. */
  countLinked(filter: ReplayFilter): Promise<ReplayCounts>;
  /** Failed: versions to put back to ready, and those a later synced version makes outdated. */
  countFailed(filter: ReplayFilter): Promise<ReplayCounts>;
  /** Stores the run, state `queued`. */
  insertRun(run: { id: string; actor: string } & ReplayFilter, counts: ReplayCounts): Promise<void>;
  audit(event: AuditEvent): Promise<void>;
}

/**
 * The database behind an operator's replay, as a port (docs/pipeline.md, "Replay"): the PostgreSQL
 * adapter is PgReplayRepository (libs/persistence/src/replay).
 */
export interface ReplayStore {
  /** Whether a source of this key is of a province in the scope. */
  sourceInScope(sourceKey: string, scope: ProvinceScope): Promise<boolean>;
  transaction<T>(fn: (tx: ReplayPlanTx) => Promise<T>): Promise<T>;
  /** Marks a stored run running; null when it is unknown or already ended. */
  start(runId: string): Promise<StartedReplayRun | null>;
  fail(runId: string, error: string): Promise<void>;
  finish(runId: string): Promise<void>;
  progress(runId: string): Promise<ReplayProgress | null>;
  /** Adds `delta` to the run's progress; answers the progress so far. */
  advance(runId: string, delta: ReplayProgress): Promise<ReplayProgress>;
  /** Links to versions of the run's status after `after` (link order), not written by the run itself. */
  links(run: StartedReplayRun, after: string, limit: number): Promise<ReplayLink[]>;
  /** Keys with `failed` versions of the filter after `after`, in the lock order of `record` rows. */
  failedKeys(filter: ReplayFilter, after: ReplayKey, limit: number): Promise<ReplayKey[]>;
  /**
   * In one transaction under the keys' row locks: the filter's failed versions of these keys back to
   * ready, but those whose key has a later version at the portal, which stay failed.
   */
  requeueFailed(
    filter: ReplayFilter,
    keys: ReplayKey[],
    reasons: { requeued: string; outdated: string },
  ): Promise<{ versionsRequeued: number; outdatedKept: number }>;
}
