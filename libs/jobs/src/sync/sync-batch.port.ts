import {
  type BatchRef,
  type DueBatch,
  type ItemOutcome,
  type PackedClaim,
  type SyncCandidate,
} from '@txng/persistence';
import { type PortalTarget } from '@txng/portal-client';

/** Injection token of the sync's store (libs/persistence implements it: PgSyncBatchRepository). */
export const SYNC_BATCH_STORE = Symbol('SYNC_BATCH_STORE');

/**
 * What the sync needs of storage: batches written before they are sent, taken over when their
 * sender died, closed with the portal's answers. Each call is one transaction (docs/sync.md,
 * "Claim, send, acknowledge"); which versions go together, their portal numbers and what each
 * becomes are decided here in the sync, not in the store.
 */
export interface SyncBatchStore {
  provincesWithWork(
    targetsWithoutPortal?: PortalTarget[],
  ): Promise<Array<{ provinceCode: string; target: PortalTarget }>>;
  markUnsendable(provinceCode: string, target: PortalTarget, reason: string): Promise<number>;
  claim<P extends PackedClaim>(
    provinceCode: string,
    target: PortalTarget,
    pack: (candidates: SyncCandidate[]) => P,
  ): Promise<(P & { id: string }) | null>;
  takeDue(provinceCode: string, target: PortalTarget, limit: number): Promise<DueBatch[]>;
  acknowledge(
    batch: BatchRef,
    outcomes: ItemOutcome[],
    result: { portalBatchIds: string[]; replayed: boolean; summary: Record<string, number> },
  ): Promise<boolean>;
  renewLeases(batchIds: string[]): Promise<number>;
  defer(
    batchId: string,
    delayMs: number,
    error: Record<string, unknown>,
    countAttempt: boolean,
  ): Promise<void>;
  fail(batch: BatchRef, outcomes: ItemOutcome[], error: { code: string; message: string }): Promise<boolean>;
  backlog(): Promise<{ ready: number; pendingBatches: number }>;
}
