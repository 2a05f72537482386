import { type EventIdClaim, type PipelineFinding, type SerialOwner } from '@txng/persistence';

// The types the pipeline's store speaks in live beside its adapter, in libs/persistence
// (docs/architecture.md, "Ports and their types"); the pipeline's callers keep finding them here.
export type {
  BatchPlan,
  Candidate,
  CandidateKind,
  ConflictCodeName,
  ConflictRow,
  EventIdClaim,
  HeldRecord,
  LinkRow,
  Outcome,
  OutcomeCounts,
  PipelineFinding,
  Provenance,
  RecordUpdate,
  SerialOwner,
  VersionRow,
  VersionStatus,
} from '@txng/persistence';

/** What the portal's GS1 company prefix registry says about a product's GTIN (cached or fresh). */
export type PrefixVerdict =
  | { status: 'registered'; prefix: string; ownerTaxCode: string; registryStatus: 'active' | 'revoked' }
  | { status: 'not-registered' }
  /** The registry could not be asked (unavailable, timing out, breaker open): the check is held back. */
  | { status: 'unreachable'; reason: string };

/** Everything a batch's decisions look up besides the held records (each read or claimed under the locks). */
export interface BatchLookups {
  /** Per eventID of the batch's events: who owns it (after this batch claimed free ones). */
  eventIds: Map<string, EventIdClaim>;
  /** Per prefixDigits of the batch's products (looked up before the transaction; absent = not asked). */
  prefixes?: Map<string, PrefixVerdict>;
  /** Per SGTIN commissioned by the batch's events (after this batch claimed free ones). */
  serials?: Map<string, SerialOwner>;
  /** quarantineRef(kind, key, contentHash) → { id, findings } of a live quarantined arrival with that content. */
  quarantined?: Map<string, { id: string; findings: PipelineFinding[] }>;
}
