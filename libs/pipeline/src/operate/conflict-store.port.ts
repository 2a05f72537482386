import {
  type AuditEvent,
  type ConflictRef,
  type ConflictView,
  type LockedRecord,
  type PipelineFinding,
  type RecordHead,
  type StoredVersion,
} from '@txng/persistence';

// The types a resolution speaks in with its store live beside the adapter (libs/persistence/src/conflicts).
export type { ConflictRef, LockedRecord, RecordHead, StoredVersion } from '@txng/persistence';

/**
 * One resolution's transaction. The resolver calls these in the hub's lock order
 * (libs/persistence/src/transaction/lock-order.ts): record rows, then the conflict row, then
 * eventIDs, then serials.
 */
export interface ConflictTx {
  conflict(id: string): Promise<ConflictRef | null>;
  /** A version a conflict names (it always exists). */
  version(id: string): Promise<StoredVersion>;
  /** Locks these records, sorted in the lock order; answers those that exist. */
  lockRecords(keys: Array<{ kind: string; key: string }>): Promise<LockedRecord[]>;
  /** Locks the conflict row; answers its status now (null if it is gone). */
  lockConflict(id: string): Promise<string | null>;
  /** The held arrival becomes version `version` of its key: ready, without findings. */
  acceptVersion(versionId: string, version: number): Promise<void>;
  /** A version rejected in conflict, with the finding that says why. */
  rejectVersion(versionId: string, findings: PipelineFinding[]): Promise<void>;
  history(versionId: string, status: string, reason: string): Promise<void>;
  /** The record's latest version, claimant, source and province move to the accepted arrival. */
  moveHead(kind: string, key: string, head: RecordHead): Promise<void>;
  /** Other open conflicts on the key now stand against `versionId`. */
  standAgainst(kind: string, key: string, versionId: string, exceptConflictId: string): Promise<void>;
  /** The eventID moves to `eventKey`; other open EVENT_ID_REUSED conflicts on it stand against `versionId`. */
  moveEventId(eventId: string, eventKey: string, versionId: string, exceptConflictId: string): Promise<void>;
  /** The SGTINs' first commissioning becomes this event's. */
  moveSerials(
    sgtins: readonly string[],
    claim: { eventKey: string; readPoint: string | null; owner: string },
  ): Promise<void>;
  /** The record stands rejected (its latest version was rejected). */
  rejectRecord(kind: string, key: string): Promise<void>;
  /** The record stands rejected unless another conflict on it is still open. */
  rejectRecordUnlessOpen(kind: string, key: string, exceptConflictId: string): Promise<void>;
  closeConflict(id: string, resolution: { decision: string; note: string; actor: string }): Promise<void>;
  /** The audit entry, in this transaction (both commit or neither). */
  audit(event: AuditEvent): Promise<void>;
}

/**
 * The database behind conflict resolution, as a port (docs/pipeline.md, "Resolving conflicts"): the
 * PostgreSQL adapter is PgConflictResolutionRepository (libs/persistence/src/conflicts).
 */
export interface ConflictStore {
  transaction<T>(fn: (tx: ConflictTx) => Promise<T>): Promise<T>;
  /** The conflict with both sides, as the API answers it. */
  view(id: string): Promise<ConflictView | null>;
}
