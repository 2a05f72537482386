import { type RecordKind } from '@txng/national-model';
import {
  type Candidate,
  type ConflictCodeName,
  type EventIdClaim,
  type HeldRecord,
  type PipelineFinding,
  type PrefixVerdict,
  type SerialOwner,
} from '../pipeline.types';
import { sgtinOf } from './serials';

export type Decision =
  | { outcome: 'duplicate'; of: string }
  | { outcome: 'new' | 'version'; version: number; correction?: boolean }
  | { outcome: 'held'; reason: string }
  | {
      outcome: 'conflict';
      code: ConflictCodeName;
      existingVersionId: string | null;
      finding: PipelineFinding;
    };

/** What decideRecord looks up besides the held record (each read under the batch's locks). */
export interface DecideContext {
  /** The owner of the incoming event's eventID, if it has one. */
  eventIdOwner?: EventIdClaim;
  /** Whether products are checked against the prefix registry (false when the hub has none wired). */
  prefixRequired?: boolean;
  /** The prefix registry's verdict on an incoming product's GTIN (undefined while required: held). */
  prefix?: PrefixVerdict;
  /** The first commissioning of each SGTIN the incoming event commissions. */
  serialOwners?: SerialOwner[];
}

/** Kinds whose key belongs to one claimant: another claimant's arrival is KEY_CLAIMED. */
const CLAIMED_KINDS: ReadonlySet<RecordKind> = new Set<RecordKind>(['product', 'lot', 'location']);

const CLAIMANT_PATH: Partial<Record<RecordKind, string>> = {
  product: '/ownerTaxCode',
  location: '/ownerTaxCode',
  lot: '/producerTaxCode',
};

/**
 * The decision table of docs/pipeline.md for one valid record against what is held for its key.
 * Pure; the caller holds the key's row lock, so `held` cannot change underneath. Content already
 * held is a duplicate before anything else is asked (so the prefix registry being down never holds
 * back a webhook retry); new content of a product is checked against the prefix registry before it
 * can become a version.
 */
export function decideRecord(held: HeldRecord, incoming: Candidate, context: DecideContext = {}): Decision {
  if (incoming.kind === 'event') return decideEvent(held, incoming, context);
  if (
    held.latestVersion > 0 &&
    held.latestVersionId !== null &&
    held.latestContentHash === incoming.contentHash
  ) {
    return { outcome: 'duplicate', of: held.latestVersionId };
  }
  const heldConflict = held.heldConflicts.get(incoming.contentHash);
  if (heldConflict !== undefined) return { outcome: 'duplicate', of: heldConflict };
  if (incoming.kind === 'product' && incoming.prefixDigits && context.prefixRequired) {
    const prefix = prefixConflict(held, incoming, context.prefix);
    if (prefix !== null) return prefix;
  }
  if (held.latestVersion === 0) return { outcome: 'new', version: 1 };
  if (CLAIMED_KINDS.has(held.kind) && held.claimant !== incoming.claimant) {
    return {
      outcome: 'conflict',
      code: 'KEY_CLAIMED',
      existingVersionId: held.latestVersionId,
      finding: {
        code: 'KEY_CLAIMED',
        // The finding reaches the incoming province (receipts, callbacks, its record page): it names
        // the key and the incoming claimant only, never who holds the key; the conflict's sides show
        // the holder to the Center (docs/security.md, "Province-scoped tokens").
        message: `${held.key} is already claimed by another owner; this record claims it for ${incoming.claimant}. An operator must decide.`,
        path: CLAIMANT_PATH[held.kind] ?? '',
      },
    };
  }
  return { outcome: 'version', version: held.latestVersion + 1 };
}

/** How a GTIN_PREFIX_OWNER finding names the registry's owner when that owner holds the key. */
const REGISTERED_TO_HOLDER = 'the owner already holding this key';

/** GTIN_PREFIX_OWNER, or `held` while the registry cannot be asked; null when the registry agrees or does not know the prefix. */
function prefixConflict(
  held: HeldRecord,
  incoming: Candidate,
  verdict: PrefixVerdict | undefined,
): Decision | null {
  if (verdict === undefined || verdict.status === 'unreachable') {
    return {
      outcome: 'held',
      reason: `the GS1 prefix registry could not be asked about ${incoming.prefixDigits}${verdict ? `: ${verdict.reason}` : ''}`,
    };
  }
  if (verdict.status === 'not-registered') return null;
  const fields = incoming.data as Record<string, unknown>;
  const owner = typeof fields?.ownerTaxCode === 'string' ? fields.ownerTaxCode : null;
  // The finding reaches the incoming province: where the registry's owner is the key's holder, naming
  // it would name the holder, which the finding never does (docs/security.md, "Province-scoped tokens").
  const registeredTo =
    held.latestVersion > 0 && held.claimant === verdict.ownerTaxCode
      ? REGISTERED_TO_HOLDER
      : `tax code ${verdict.ownerTaxCode}`;
  let message: string | null = null;
  if (verdict.registryStatus === 'revoked')
    message = `GS1 company prefix ${verdict.prefix} of this GTIN is revoked in the portal's registry (it was registered to ${registeredTo}). An operator must decide.`;
  else if (owner !== null && owner !== verdict.ownerTaxCode)
    message = `GS1 company prefix ${verdict.prefix} of this GTIN belongs to ${registeredTo} in the portal's registry; this record names owner ${owner}. An operator must decide.`;
  if (message === null) return null;
  return {
    outcome: 'conflict',
    code: 'GTIN_PREFIX_OWNER',
    existingVersionId: held.latestVersionId,
    finding: {
      code: 'GTIN_PREFIX_OWNER',
      message,
      path: verdict.registryStatus === 'revoked' ? '/gtin' : '/ownerTaxCode',
    },
  };
}

/**
 * Events are keyed by their Event Hash ID, which leaves `errorDeclaration` out: the same event is a
 * duplicate, unless it comes with an error declaration the held version does not have (EPCIS 2.0
 * §7.4.1.2: the erroneous event is sent again, declared), which makes it the key's next version
 * so the correction reaches the portal. Otherwise new, unless its eventID or a serial it
 * commissions names another event.
 */
function decideEvent(held: HeldRecord, incoming: Candidate, context: DecideContext): Decision {
  const eventIdOwner = context.eventIdOwner;
  if (held.latestVersion > 0 && held.latestVersionId !== null) {
    const declaration = incoming.declaration ?? null;
    if (declaration !== null && declaration !== (held.latestDeclaration ?? null))
      return { outcome: 'version', version: held.latestVersion + 1, correction: true };
    return { outcome: 'duplicate', of: held.latestVersionId };
  }
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
  const claim = incoming.serials;
  if (claim) {
    for (const owner of context.serialOwners ?? []) {
      if (owner.eventKey === incoming.key) continue;
      if (owner.readPoint === claim.readPoint && owner.owner === claim.owner) continue;
      const list = (incoming.data as { epcList?: unknown[] }).epcList ?? [];
      const index = list.findIndex((epc) => sgtinOf(epc) === owner.sgtin);
      return {
        outcome: 'conflict',
        code: 'SERIAL_RECOMMISSIONED',
        existingVersionId: owner.versionId,
        finding: {
          code: 'SERIAL_RECOMMISSIONED',
          message: `${owner.sgtin} was already commissioned by event ${owner.eventKey}; this event commissions it again at ${claim.readPoint ?? 'no readPoint'} for ${claim.owner}. An operator must decide.`,
          path: `/epcList/${Math.max(index, 0)}`,
        },
      };
    }
  }
  return { outcome: 'new', version: 1 };
}
