import { buildDigitalLink, epcUrnToDigitalLink, parseDigitalLink } from '@txng/national-model';
import { type SerialClaim } from '@txng/persistence/pipeline/pipeline-store.types';

/** The SGTINs a commissioning event claims (the type lives beside the store's other types). */
export type { SerialClaim } from '@txng/persistence/pipeline/pipeline-store.types';

/** CBV 2 bizStep `commissioning` in any of its spellings (bare word, CBV 1 URN, CBV 2 web URI). */
export function isCommissioning(bizStep: unknown): boolean {
  if (typeof bizStep !== 'string') return false;
  const v = bizStep.trim().toLowerCase();
  return (
    v === 'commissioning' ||
    v === 'urn:epcglobal:cbv:bizstep:commissioning' ||
    /^https?:\/\/ref\.gs1\.org\/cbv\/bizstep-commissioning$/.test(v)
  );
}

/** One epcList entry (Digital Link on any domain, or an EPC URN) → its canonical SGTIN, or null. */
export function sgtinOf(epc: unknown): string | null {
  if (typeof epc !== 'string') return null;
  const uri = epc.startsWith('urn:') ? epcUrnToDigitalLink(epc) : epc;
  if (uri === undefined) return null;
  const parsed = parseDigitalLink(uri);
  if (!parsed.ok) return null;
  const gtin = parsed.data.ais['01'];
  const serial = parsed.data.ais['21'];
  if (gtin === undefined || serial === undefined) return null;
  return buildDigitalLink({ '01': gtin, '21': serial }) ?? null;
}

/**
 * For a `commissioning` ObjectEvent with action ADD: the SGTINs of its epcList (SERIAL_RECOMMISSIONED
 * of national-model.md). Null for every other event. `owner` is the event's claimant (events have no
 * owner tax code, so this is `source:<sourceKey>`).
 */
export function commissionedSerials(data: unknown, owner: string): SerialClaim | null {
  if (typeof data !== 'object' || data === null) return null;
  const e = data as Record<string, unknown>;
  if (e.type !== 'ObjectEvent' || e.action !== 'ADD' || !isCommissioning(e.bizStep)) return null;
  const list = Array.isArray(e.epcList) ? e.epcList : [];
  const sgtins = [...new Set(list.map(sgtinOf).filter((s): s is string => s !== null))];
  if (sgtins.length === 0) return null;
  const rp = e.readPoint;
  const readPoint =
    typeof rp === 'object' && rp !== null && typeof (rp as { id?: unknown }).id === 'string'
      ? (rp as { id: string }).id
      : null;
  return { sgtins, readPoint, owner };
}
