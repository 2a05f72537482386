import { type RecordKind } from '@txng/national-model';

/** A finding as stored and answered: validation codes, conflict codes, parse and mapping codes. */
export interface PipelineFinding {
  code: string;
  message: string;
  path: string;
}

/** Where a receipt came from; copied onto every version it makes so each one explains itself. */
export interface Provenance {
  receiptId: string;
  sourceKey: string;
  /** The source's province: the record's own `provinceCode` wins where the kind has one. */
  sourceProvinceCode: string;
  mappingVersion: number | null;
  webhookId: string | null;
  pollPage: Record<string, unknown> | null;
}

/** `receipt` stands for a whole body that could not be parsed or mapped (no records to name). */
export type CandidateKind = RecordKind | 'receipt';

/** One record of a receipt, judged on its own (validation) but not yet against what is held. */
export interface Candidate {
  /** Position in the receipt's envelope order: with the receipt id, what makes reprocessing idempotent. */
  index: number;
  kind: CandidateKind;
  /** The national key, or `unkeyed:<receiptId>:<index>` for a quarantined record without one. */
  key: string;
  data: unknown;
  contentHash: string;
  findings: PipelineFinding[];
  /** Tax code, or `source:<sourceKey>`. */
  claimant: string;
  /** A source-given EPCIS `eventID`, for EVENT_ID_REUSED. */
  eventId: string | null;
  provinceCode: string | null;
  quarantined: boolean;
}

/** What the hub holds for one (kind, key), read under its row lock. */
export interface HeldRecord {
  kind: RecordKind;
  key: string;
  latestVersion: number;
  latestVersionId: string | null;
  latestContentHash: string | null;
  claimant: string | null;
  /** Content hash → version id of incoming versions held in an open conflict on this key. */
  heldConflicts: Map<string, string>;
}

/** Who first used an eventID, with that event's accepted version (null if it has none yet). */
export interface EventIdClaim {
  eventKey: string;
  versionId: string | null;
}

export type Outcome = 'new' | 'version' | 'duplicate' | 'quarantined' | 'conflict';
export type VersionStatus = 'ready' | 'quarantined' | 'conflict';
export type ConflictCodeName = 'KEY_CLAIMED' | 'EVENT_ID_REUSED';

export interface VersionRow {
  id: string;
  candidate: Candidate;
  version: number | null;
  status: VersionStatus;
  findings: PipelineFinding[];
  /** Status history rows to append, oldest first. */
  history: Array<{ status: string; reason: string }>;
}

export interface LinkRow {
  index: number;
  kind: CandidateKind;
  key: string;
  outcome: Outcome;
  recordVersionId: string | null;
}

export interface ConflictRow {
  code: ConflictCodeName;
  kind: RecordKind;
  key: string;
  existingVersionId: string | null;
  incomingVersionId: string;
}

export interface RecordUpdate {
  kind: RecordKind;
  key: string;
  latestVersion: number;
  latestVersionId: string | null;
  latestContentHash: string | null;
  claimant: string | null;
  status: 'ready' | 'conflict';
  provinceCode: string | null;
  sourceKey: string;
  /** A new version was made: latest_*, claimant, status and province move; else only a first-ever conflict marks the row. */
  versioned: boolean;
}

/** Everything one batch writes, in one transaction. */
export interface BatchPlan {
  versions: VersionRow[];
  links: LinkRow[];
  conflicts: ConflictRow[];
  records: RecordUpdate[];
}

export type OutcomeCounts = Record<Outcome, number>;
