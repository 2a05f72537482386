import { AI_TABLE } from './ai-table';
import { gs1DateToIso } from './gs1-date';

/** What a data carrier says, as AI → value in the order read, plus the fields the hub uses. */
export interface CarrierData {
  /** Every element, AI → raw value (digits or character set 82, unencoded). */
  ais: Record<string, string>;
  gtin14?: string;
  sscc?: string;
  gln?: string;
  glnExtension?: string;
  lot?: string;
  serial?: string;
  productionDate?: string;
  packDate?: string;
  bestBeforeDate?: string;
  expiryDate?: string;
  count?: number;
  /** AI 310n (kg) or 320n (lb, converted to kg), n implied decimals. */
  netWeight?: { value: number; uom: 'KGM' };
}

export type CarrierResult = { ok: true; data: CarrierData } | { ok: false; error: string };

const POUND_IN_KG = 0.45359237;

/** Checks one AI value against the table: length, digits, check digit, real date. */
export function checkAiValue(ai: string, value: string): string | undefined {
  const def = AI_TABLE.get(ai);
  if (!def) return `AI (${ai}) is not supported`;
  if (def.fixed ? value.length !== def.length : value.length < 1 || value.length > def.length) {
    return `AI (${ai}) ${def.title} must be ${def.fixed ? 'exactly' : '1 to'} ${def.length} characters, got "${value}"`;
  }
  if (def.format === 'N' && !/^\d+$/.test(value))
    return `AI (${ai}) ${def.title} must be digits, got "${value}"`;
  if (def.format === 'X' && !/^[!"%-?A-Z_a-z]+$/.test(value)) {
    return `AI (${ai}) ${def.title} has characters outside GS1 character set 82: "${value}"`;
  }
  if (def.checkDigit) {
    let sum = 0;
    for (let i = value.length - 2, w = 3; i >= 0; i--, w = 4 - w) sum += (value.charCodeAt(i) - 48) * w;
    if ((10 - (sum % 10)) % 10 !== value.charCodeAt(value.length - 1) - 48) {
      return `AI (${ai}) ${def.title} "${value}" has a wrong check digit`;
    }
  }
  if (def.date && gs1DateToIso(value) === undefined)
    return `AI (${ai}) ${def.title} "${value}" is not a real YYMMDD date`;
  return undefined;
}

/** Builds the derived fields from validated AI pairs. */
export function toCarrierData(pairs: Array<[string, string]>): CarrierResult {
  const ais: Record<string, string> = {};
  for (const [ai, value] of pairs) {
    const error = checkAiValue(ai, value);
    if (error) return { ok: false, error };
    if (ai in ais) return { ok: false, error: `AI (${ai}) appears twice` };
    ais[ai] = value;
  }
  const data: CarrierData = { ais };
  if (ais['01'] !== undefined) data.gtin14 = ais['01'];
  if (ais['00'] !== undefined) data.sscc = ais['00'];
  if (ais['414'] !== undefined) data.gln = ais['414'];
  if (ais['254'] !== undefined) data.glnExtension = ais['254'];
  if (ais['10'] !== undefined) data.lot = ais['10'];
  if (ais['21'] !== undefined) data.serial = ais['21'];
  if (ais['11'] !== undefined) data.productionDate = gs1DateToIso(ais['11']);
  if (ais['13'] !== undefined) data.packDate = gs1DateToIso(ais['13']);
  if (ais['15'] !== undefined) data.bestBeforeDate = gs1DateToIso(ais['15']);
  if (ais['17'] !== undefined) data.expiryDate = gs1DateToIso(ais['17']);
  if (ais['37'] !== undefined) data.count = Number(ais['37']);
  for (const [ai, value] of Object.entries(ais)) {
    const m = /^3([12])0(\d)$/.exec(ai);
    if (!m) continue;
    const raw = Number(value) / 10 ** Number(m[2]);
    const kg = m[1] === '1' ? raw : raw * POUND_IN_KG;
    data.netWeight = { value: Number(kg.toFixed(6)), uom: 'KGM' };
  }
  return { ok: true, data };
}
