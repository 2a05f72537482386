import { type KeyToLock, type ReplaySelection, type ReplayTarget } from '@txng/persistence';
import {
  type BatchPlan,
  type EventIdClaim,
  type HeldRecord,
  type OutcomeCounts,
  type PipelineFinding,
  type PrefixVerdict,
  type Provenance,
  type SerialOwner,
} from './pipeline.types';

// Like the row types, the store's argument types live beside its adapter (libs/persistence).
export type { KeyToLock, ReplaySelection, ReplayTarget } from '@txng/persistence';

/** The portal's GS1 company prefix registry behind a cache (a port: the adapter is PrefixRegistryCache, on the PrefixCacheStore port). */
export interface PrefixRegistryPort {
  /** A verdict per digits; `unreachable` for those the registry could not be asked about now; null: the check is off. */
  verdicts(
    items: ReadonlyArray<{ digits: string; owner: string | null }>,
  ): Promise<Map<string, PrefixVerdict> | null>;
}

/**
 * One transaction's view of the store. The pipeline calls these in this order, which is the hub's
 * lock order (libs/persistence/src/transaction/lock-order.ts) and what keeps concurrent workers
 * from deadlocking: receipt row, then record rows, then eventIDs, then serials.
 */
export interface PipelineTx {
  /** Locks the receipts (in id order); answers each one's item indexes already judged (processed before). */
  lockReceipts(receiptIds: string[]): Promise<Map<string, Set<number>>>;
  /** Creates missing record rows, locks all of them (sorted), and reads what is held for each. */
  lockRecords(keys: KeyToLock[]): Promise<Map<string, HeldRecord>>;
  /** Claims free eventIDs for the given events; answers every eventID's owner. */
  claimEventIds(claims: Array<{ eventId: string; eventKey: string }>): Promise<Map<string, EventIdClaim>>;
  /** Claims free SGTINs for commissioning events (sorted, after eventIDs); answers every SGTIN's first commissioning. */
  claimSerials(
    claims: Array<{ sgtin: string; eventKey: string; readPoint: string | null; owner: string }>,
  ): Promise<Map<string, SerialOwner>>;
  /** Live quarantined arrivals with the same kind, key and content (quarantineRef → id, findings). */
  findQuarantined(
    refs: Array<{ kind: string; key: string; contentHash: string }>,
  ): Promise<Map<string, { id: string; findings: PipelineFinding[] }>>;
  /** Items of the receipt in [from, to) a replay run may re-judge (not yet re-judged by this run). */
  replayTargets(
    receiptId: string,
    selection: ReplaySelection,
    from: number,
    to: number,
  ): Promise<ReplayTarget[]>;
  /** Deletes the links of these items so they are judged again. */
  releaseLinks(receiptId: string, indexes: number[]): Promise<void>;
  /** Moves versions to `status` (e.g. `replayed`) with a history row each. */
  setStatus(versionIds: string[], status: string, reason: string): Promise<void>;
  /** A history row on each version, its status unchanged (never written: sync may be moving it). */
  note(versionIds: string[], reason: string): Promise<void>;
  allocateVersionIds(count: number): Promise<string[]>;
  write(provenance: Provenance, plan: BatchPlan): Promise<void>;
  /** `write` of several receipts' plans at once (a run); their record rows must be of distinct keys. */
  writeMany(items: Array<{ provenance: Provenance; plan: BatchPlan }>): Promise<void>;
  /** Marks the receipts processed (error cleared) with their outcome counts, read back from their links. */
  finishReceipts(
    receipts: Array<{ receiptId: string; recordCount: number }>,
  ): Promise<Map<string, OutcomeCounts>>;
}

/** The database behind the pipeline, as a port: the PostgreSQL adapter is PgPipelineRepository (libs/persistence/src/pipeline). */
export interface PipelineStore {
  /** Runs `fn` in one transaction; retries it from scratch on a deadlock or serialization failure (retryingTransaction). */
  transaction<T>(fn: (tx: PipelineTx) => Promise<T>): Promise<T>;
  /** Marks the receipt done with its outcome counts (read back from its links, so a rerun agrees). */
  finishReceipt(
    receiptId: string,
    result: { status: 'processed' | 'failed'; recordCount: number; error: string | null },
  ): Promise<OutcomeCounts>;
}
