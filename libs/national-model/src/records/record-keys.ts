import { encodeDlValue } from '../carriers/digital-link';
import { computeEventHash } from '../event-hash/event-hash';
import { toGtin14 } from '../gs1/gtin';
import { type RecordKind } from './record.types';

export function organizationKey(taxCode: string): string {
  return `org:${taxCode}`;
}

export function locationKey(gln: string, extension?: string): string {
  return extension ? `gln:${gln}:${extension}` : `gln:${gln}`;
}

/** `gtin:{gtin14}`; a GTIN-8/12/13 is padded first. */
export function productKey(gtin: string): string {
  return `gtin:${toGtin14(gtin) ?? gtin}`;
}

/** `lot:{gtin14}/{lot}` with the lot percent-encoded as in a Digital Link path (`/` → `%2F`). */
export function lotKey(gtin: string, lot: string): string {
  return `lot:${toGtin14(gtin) ?? gtin}/${encodeDlValue(lot)}`;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * The identity key of a record, or undefined when the fields it is built from are missing (the
 * record then fails validation with REQUIRED_FIELD).
 */
export function recordKey(kind: RecordKind, data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
  const r = data as Record<string, unknown>;
  switch (kind) {
    case 'organization':
      return str(r.taxCode) && organizationKey(str(r.taxCode)!);
    case 'location':
      return str(r.gln) && locationKey(str(r.gln)!, str(r.extension));
    case 'product':
      return str(r.gtin) && productKey(str(r.gtin)!);
    case 'lot':
      return str(r.gtin) && str(r.lot) ? lotKey(str(r.gtin)!, str(r.lot)!) : undefined;
    case 'event':
      return str(r.type) ? computeEventHash(r).hashId : undefined;
  }
}

/**
 * Who claims a key (national-model.md): the owner for products and locations, the producer for
 * lots; null means "the source that sent it" (always so for organizations and events).
 */
export function claimantOf(kind: RecordKind, data: unknown): string | null {
  if (typeof data !== 'object' || data === null) return null;
  const r = data as Record<string, unknown>;
  if (kind === 'product' || kind === 'location') return str(r.ownerTaxCode) ?? null;
  if (kind === 'lot') return str(r.producerTaxCode) ?? null;
  return null;
}
