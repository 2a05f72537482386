import { type RecordKind } from '@txng/national-model';
import {
  type Candidate,
  type ConflictCodeName,
  type EventIdClaim,
  type HeldRecord,
  type PipelineFinding,
} from '../pipeline.types';

export type Decision =
  | { outcome: 'duplicate'; of: string }
  | { outcome: 'new' | 'version'; version: number }
  | {
      outcome: 'conflict';
      code: ConflictCodeName;
      existingVersionId: string | null;
      finding: PipelineFinding;
    };

/** Kinds whose key belongs to one claimant: another claimant's arrival is KEY_CLAIMED. */
const CLAIMED_KINDS: ReadonlySet<RecordKind> = new Set<RecordKind>(['product', 'lot', 'location']);

const CLAIMANT_PATH: Partial<Record<RecordKind, string>> = {
  product: '/ownerTaxCode',
  location: '/ownerTaxCode',
  lot: '/producerTaxCode',
};

/**
 * The decision table of docs/pipeline.md for one valid record against what is held for its key.
 * Pure; the caller holds the key's row lock, so `held` cannot change underneath. Extension point:
 * GTIN_PREFIX_OWNER and SERIAL_RECOMMISSIONED go here, before "new version", once their lookups
 * (portal prefix registry, commissioned serials) are ports of their own.
 */
export function decideRecord(held: HeldRecord, incoming: Candidate, eventIdOwner?: EventIdClaim): Decision {
  if (incoming.kind === 'event') return decideEvent(held, incoming, eventIdOwner);
  if (
    held.latestVersion > 0 &&
    held.latestVersionId !== null &&
    held.latestContentHash === incoming.contentHash
  ) {
    return { outcome: 'duplicate', of: held.latestVersionId };
  }
  const heldConflict = held.heldConflicts.get(incoming.contentHash);
  if (heldConflict !== undefined) return { outcome: 'duplicate', of: heldConflict };
  if (held.latestVersion === 0) return { outcome: 'new', version: 1 };
  if (CLAIMED_KINDS.has(held.kind) && held.claimant !== incoming.claimant) {
    return {
      outcome: 'conflict',
      code: 'KEY_CLAIMED',
      existingVersionId: held.latestVersionId,
      finding: {
        code: 'KEY_CLAIMED',
        message: `${held.key} is held by claimant ${held.claimant ?? 'unknown'} (version ${held.latestVersion}); this record claims it for ${incoming.claimant}. An operator must decide.`,
        path: CLAIMANT_PATH[held.kind] ?? '',
      },
    };
  }
  return { outcome: 'version', version: held.latestVersion + 1 };
}

/** Events are immutable (key = Event Hash ID): new or duplicate, unless their eventID names another event. */
function decideEvent(held: HeldRecord, incoming: Candidate, eventIdOwner?: EventIdClaim): Decision {
  if (held.latestVersion > 0 && held.latestVersionId !== null)
    return { outcome: 'duplicate', of: held.latestVersionId };
  const heldConflict = held.heldConflicts.values().next();
  if (!heldConflict.done) return { outcome: 'duplicate', of: heldConflict.value };
  if (incoming.eventId !== null && eventIdOwner !== undefined && eventIdOwner.eventKey !== incoming.key) {
    return {
      outcome: 'conflict',
      code: 'EVENT_ID_REUSED',
      existingVersionId: eventIdOwner.versionId,
      finding: {
        code: 'EVENT_ID_REUSED',
        message: `eventID ${incoming.eventId} already names event ${eventIdOwner.eventKey}; this event has another hash (${incoming.key}). An operator must decide.`,
        path: '/eventID',
      },
    };
  }
  return { outcome: 'new', version: 1 };
}
