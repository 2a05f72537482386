import {
  type BatchPlan,
  type EventIdClaim,
  type HeldRecord,
  type OutcomeCounts,
  type Provenance,
} from './pipeline.types';

export interface KeyToLock {
  kind: string;
  key: string;
  provinceCode: string | null;
  sourceKey: string;
}

/**
 * One transaction's view of the store. The pipeline calls these in this order, which is what keeps
 * concurrent workers from deadlocking: receipt row, then record rows in sorted key order, then
 * eventIDs in sorted order.
 */
export interface PipelineTx {
  /** Locks the receipt; answers the item indexes already judged (the receipt was processed before). */
  lockReceipt(receiptId: string): Promise<Set<number>>;
  /** Creates missing record rows, locks all of them (sorted), and reads what is held for each. */
  lockRecords(keys: KeyToLock[]): Promise<Map<string, HeldRecord>>;
  /** Claims free eventIDs for the given events; answers every eventID's owner. */
  claimEventIds(claims: Array<{ eventId: string; eventKey: string }>): Promise<Map<string, EventIdClaim>>;
  allocateVersionIds(count: number): Promise<string[]>;
  write(provenance: Provenance, plan: BatchPlan): Promise<void>;
}

/** The database behind the pipeline, as a port: the Postgres adapter is PgPipelineStore. */
export interface PipelineStore {
  /** Runs `fn` in one transaction; retries it from scratch on a deadlock or serialization failure. */
  transaction<T>(fn: (tx: PipelineTx) => Promise<T>): Promise<T>;
  /** Marks the receipt done with its outcome counts (read back from its links, so a rerun agrees). */
  finishReceipt(
    receiptId: string,
    result: { status: 'processed' | 'failed'; recordCount: number; error: string | null },
  ): Promise<OutcomeCounts>;
}
