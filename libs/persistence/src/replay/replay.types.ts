/**
 * The types a replay run's store speaks in. They live here, below libs/pipeline (whose
 * operate/replay-store.port.ts owns the port), because persistence cannot import its users
 * (docs/architecture.md, "Ports and their types"); libs/pipeline re-exports them.
 */

export const REPLAY_STATUSES = ['quarantined', 'failed', 'rejected'] as const;
export type ReplayStatus = (typeof REPLAY_STATUSES)[number];

/** How far a replay run got (replay_run's progress columns). */
export interface ReplayProgress {
  /** Receipts put on the ingest queue so far (quarantined, rejected). */
  receiptsQueued: number;
  /** Failed versions put back to ready so far. */
  versionsRequeued: number;
  /** Failed versions left failed so far (a later version of their key is at the portal). */
  outdatedKept: number;
}

/** What a replay takes: versions of this status, of one source and one kind when given. */
export interface ReplayFilter {
  status: ReplayStatus;
  sourceKey: string | null;
  kind: string | null;
  /** quarantined/rejected only: receipts holding a version with a finding of this code. */
  findingCode?: string | null;
  /** quarantined/rejected only: receipts received at or after this time… */
  receivedFrom?: Date | null;
  /** …and before this one. */
  receivedTo?: Date | null;
}

/** A stored run as the runner starts it. */
export interface StartedReplayRun extends ReplayFilter {
  id: string;
  actor: string;
}

/** What a replay matched when it was asked for (stored with the run, answered by the POST). */
export interface ReplayCounts {
  /** Versions matched (quarantined/rejected: to re-judge; failed: to put back to ready). */
  replayed: number;
  /** Receipts to re-run through the ingest queue (0 for `failed`). */
  receipts: number;
  /** `failed` versions left as they are: a later version of their key is already at the portal. */
  outdated: number;
  /** Receipts whose body was purged after the retention period: counted, not queued. */
  expired: number;
}

/** A link of a receipt's item to a version a run re-judges (keyset-paged by `link`). */
export interface ReplayLink {
  link: string;
  receiptId: string;
  /** The receipt's body was purged: it cannot be read again. */
  expired: boolean;
}

/** A (kind, key) with failed versions a run puts back to ready. */
export interface ReplayKey {
  kind: string;
  key: string;
}
