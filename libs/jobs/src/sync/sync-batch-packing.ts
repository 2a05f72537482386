import { type BatchItem, type ItemOutcome, type PackedClaim, type SyncCandidate } from '@txng/persistence';
import { BatchPacker, type PortalRecord } from '@txng/portal-client';

/** A claim packed for sending: the batch's versions and the exact records the portal receives. */
export interface PackedBatch extends PackedClaim {
  records: PortalRecord[];
}

/**
 * Portal numbering: the hub sends a key's next version as one past what the target holds of it,
 * whatever the hub's own version number (docs/sync.md, "Versions").
 */
export const nextPortalVersion = (held: number): number => held + 1;

/**
 * Packs a claim's candidates (oldest first) into one batch with portal-client's packer, the same
 * byte measure as the batch sent: candidates are taken in order until the batch is full; a
 * candidate that alone exceeds the byte limit is failed on the spot (no batch can carry it).
 */
export function packClaim(
  provinceCode: string,
  candidates: SyncCandidate[],
  maxRecords: number,
  maxBytes: number,
): PackedBatch {
  const packer = new BatchPacker(provinceCode, maxRecords, maxBytes);
  const items: BatchItem[] = [];
  const tooLarge: ItemOutcome[] = [];
  for (const c of candidates) {
    const portalVersion = nextPortalVersion(c.heldPortalVersion);
    const offered = packer.offer({ kind: c.kind, key: c.key, version: portalVersion, data: c.data });
    if (offered.fit === 'full') break;
    if (offered.fit === 'too-large') {
      tooLarge.push(tooLargeOutcome(c, offered.size, maxBytes));
      continue;
    }
    items.push({
      id: c.id,
      kind: c.kind,
      key: c.key,
      version: c.version,
      portalVersion,
      contentHash: c.contentHash,
    });
  }
  const { records, idempotencyKey } = packer.chunk();
  return { items, records, idempotencyKey, tooLarge };
}

function tooLargeOutcome(c: SyncCandidate, size: number, maxBytes: number): ItemOutcome {
  return {
    id: c.id,
    kind: c.kind,
    key: c.key,
    status: 'failed',
    reason: `sync: the record alone is ${size} bytes of JSON, over the ${maxBytes}-byte batch limit`,
    error: { code: 'BATCH_TOO_LARGE', message: `record is ${size} bytes of JSON` },
  };
}
