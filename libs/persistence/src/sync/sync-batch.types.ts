import { type RecordKind } from '@txng/national-model';

/**
 * The row types the sync's store speaks in. They live here, below the sync that owns the port
 * (libs/jobs/src/sync/sync-batch.port.ts), because persistence implements the port and cannot
 * import its users (docs/architecture.md, "Ports and their types").
 */

/** Which portal a version goes to: the stage of its source decides (sync-target.sql.ts). */
export type SyncTarget = 'production' | 'sandbox';

/** One version in a claimed batch, with the portal version it is sent as. */
export interface BatchItem {
  id: string;
  kind: RecordKind;
  key: string;
  version: number;
  portalVersion: number;
  contentHash: string;
}

/** What one version became after the portal answered (or the hub gave up). */
export interface ItemOutcome {
  id: string;
  kind: string;
  key: string;
  /** `ready`: back in the queue, unclaimed (stale, to be re-sent after the portal's version). */
  status: 'synced' | 'rejected' | 'failed' | 'ready';
  reason: string;
  portalId?: string | null;
  /** The portal version the portal now holds of this key, when known. */
  portalVersion?: number | null;
  contentHash?: string;
  error?: Record<string, unknown> | null;
  finding?: { code: string; message: string; path: string } | null;
}

/** A ready version a claim may take, under its record's row lock, with what the target holds of its key. */
export interface SyncCandidate {
  id: string;
  kind: RecordKind;
  key: string;
  version: number;
  contentHash: string;
  data: unknown;
  /** The portal version the target holds of the key (0: none). */
  heldPortalVersion: number;
}

/** What the sync made of a claim's candidates: the batch to record, and versions failed on the spot. */
export interface PackedClaim {
  items: BatchItem[];
  idempotencyKey: string;
  tooLarge: ItemOutcome[];
}

/** A pending batch taken over for sending, with the data of its versions as they are now. */
export interface DueBatch {
  id: string;
  idempotencyKey: string;
  attempts: number;
  items: BatchItem[];
  dataOf: Map<string, unknown>;
}

/** The parts of a batch its outcomes are written against. */
export interface BatchRef {
  id: string;
  provinceCode: string;
  target: SyncTarget;
  attempts: number;
  items: BatchItem[];
}

export interface SyncClaimLimits {
  maxRecords: number;
  lingerMs: number;
  leaseMs: number;
}
