import { contentHash, type RecordKind } from '@txng/national-model';

/**
 * The types the pipeline's store speaks in: a batch's candidates and plan, what is held under a
 * key, eventID and SGTIN owners, replay targets. They live here, below libs/pipeline (whose
 * pipeline-store.port.ts owns the port), because persistence cannot import its users
 * (docs/architecture.md, "Ports and their types"); libs/pipeline re-exports them.
 */

/** The SGTINs a commissioning event claims, with the place and owner it claims them for. */
export interface SerialClaim {
  /** Canonical GS1 Digital Link of each SGTIN (`https://id.gs1.org/01/{gtin14}/21/{serial}`), distinct. */
  sgtins: string[];
  readPoint: string | null;
  owner: string;
}

/** A finding as stored and answered: validation codes, conflict codes, parse and mapping codes. */
export interface PipelineFinding {
  code: string;
  message: string;
  path: string;
  /** A warning travels with an accepted version; any other finding quarantines its record. */
  severity?: 'warning';
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
  /** Set when a replay run (POST /v1/admin/replay) re-judges the receipt's items. */
  replayRunId?: string | null;
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
  /** Products: the 12 digits looked up in the portal's prefix registry; null when not checked (GTIN-8). */
  prefixDigits?: string | null;
  /** Commissioning ObjectEvents with action ADD: the SGTINs they claim. */
  serials?: SerialClaim | null;
  /** Events: the content hash of their `errorDeclaration` (left out of the Event Hash ID), null without one. */
  declaration?: string | null;
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
  /** Events: the content hash of the latest version's `errorDeclaration`, null without one. */
  latestDeclaration?: string | null;
}

/** Who first used an eventID, with that event's accepted version (null if it has none yet). */
export interface EventIdClaim {
  eventKey: string;
  versionId: string | null;
}

/** Who first commissioned an SGTIN: the event, its readPoint and owner, and its accepted version. */
export interface SerialOwner {
  sgtin: string;
  eventKey: string;
  readPoint: string | null;
  owner: string;
  versionId: string | null;
}

export type Outcome = 'new' | 'version' | 'duplicate' | 'quarantined' | 'conflict';
export type VersionStatus = 'ready' | 'quarantined' | 'conflict';
export type ConflictCodeName =
  'KEY_CLAIMED' | 'GTIN_PREFIX_OWNER' | 'SERIAL_RECOMMISSIONED' | 'EVENT_ID_REUSED';

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
  /** History rows for versions that already exist (a quarantined arrival received again). */
  notes: Array<{ versionId: string; status: string; reason: string }>;
  /** Candidates left unjudged this run (a check they need is held back), shown as `received`. */
  held: Array<{ candidate: Candidate; reason: string }>;
}

export type OutcomeCounts = Record<Outcome, number>;

/**
 * Which items a replay run re-judges: those whose link points at a version of this status; `all`
 * (a replay of chosen receipts after a mapping change): every item but those in an open conflict or
 * rejected by an operator's decision, which are theirs to decide.
 */
export interface ReplaySelection {
  runId: string;
  status: 'quarantined' | 'rejected' | 'all';
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
  /** A numbered version of which the key has a later version (an `all` replay leaves it as it was). */
  superseded?: boolean;
}

export interface KeyToLock {
  kind: string;
  key: string;
  provinceCode: string | null;
  sourceKey: string;
  /**
   * The content hashes the batch brings for the key (records other than events). When every one of
   * them is the key's latest version's, each is a duplicate of that version whatever another
   * transaction does meanwhile, so the store may read the key without locking it: many receipts
   * repeating one record (a province's organization in every webhook) then no longer queue on
   * its row.
   */
  contentHashes?: string[];
}

/** The key of a (kind, key) in the maps the store answers and the rules read. */
export const refOf = (kind: string, key: string): string => `${kind}\u0000${key}`;
/** Identifies a quarantined arrival's content: the same invalid record again is the same arrival. */
export const quarantineRef = (kind: string, key: string, hash: string): string =>
  `${kind}\u0000${key}\u0000${hash}`;

/**
 * What identifies an event's error declaration: the content hash of `errorDeclaration`, null when
 * the event has none. The Event Hash ID leaves the declaration out, so this is what tells a
 * province's correction of a held event from the same event sent again. The store reads it for
 * the held latest version, the rules for an incoming event.
 */
export function declarationOf(errorDeclaration: unknown): string | null {
  return typeof errorDeclaration === 'object' && errorDeclaration !== null
    ? contentHash(errorDeclaration)
    : null;
}
