import {
  type BatchPlan,
  type CandidateKind,
  type EventIdClaim,
  type HeldRecord,
  type Outcome,
  type OutcomeCounts,
  type PipelineFinding,
  type PrefixVerdict,
  type Provenance,
  type SerialOwner,
} from './pipeline.types';

/** Which items a replay run re-judges: those whose link points at a version of this status. */
export interface ReplaySelection {
  runId: string;
  status: 'quarantined' | 'rejected';
  kind?: string | null;
}

/** An item a replay run may re-judge, as its link stands now. */
export interface ReplayTarget {
  index: number;
  kind: CandidateKind;
  outcome: Outcome;
  versionId: string;
  version: number | null;
  status: string;
}

/** The portal's GS1 company prefix registry behind a cache (a port: the adapter is PrefixRegistryCache). */
export interface PrefixRegistryPort {
  /** A verdict per digits; `unreachable` for those the registry could not be asked about now; null: the check is off. */
  verdicts(
    items: ReadonlyArray<{ digits: string; owner: string | null }>,
  ): Promise<Map<string, PrefixVerdict> | null>;
}

export interface KeyToLock {
  kind: string;
  key: string;
  provinceCode: string | null;
  sourceKey: string;
}

/**
 * One transaction's view of the store. The pipeline calls these in this order, which is the hub's
 * lock order (libs/persistence/src/transaction/lock-order.ts) and what keeps concurrent workers
 * from deadlocking: receipt row, then record rows, then eventIDs, then serials.
 */
export interface PipelineTx {
  /** Locks the receipt; answers the item indexes already judged (the receipt was processed before). */
  lockReceipt(receiptId: string): Promise<Set<number>>;
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
  allocateVersionIds(count: number): Promise<string[]>;
  write(provenance: Provenance, plan: BatchPlan): Promise<void>;
}

/** The database behind the pipeline, as a port: the Postgres adapter is PgPipelineStore. */
export interface PipelineStore {
  /** Runs `fn` in one transaction; retries it from scratch on a deadlock or serialization failure (retryingTransaction). */
  transaction<T>(fn: (tx: PipelineTx) => Promise<T>): Promise<T>;
  /** Marks the receipt done with its outcome counts (read back from its links, so a rerun agrees). */
  finishReceipt(
    receiptId: string,
    result: { status: 'processed' | 'failed'; recordCount: number; error: string | null },
  ): Promise<OutcomeCounts>;
}
