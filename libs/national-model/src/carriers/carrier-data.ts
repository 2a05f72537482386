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

const CHARSETS: Record<string, RegExp> = {
  N: /^\d*$/,
  X: /^[!"%-?A-Z_a-z]*$/,
  // Character set 39 (GS1 General Specifications figure 7.11-2) and base64url, as the dictionary names them.
  Y: /^[#\-/0-9A-Z]*$/,
  Z: /^[-0-9A-Z_a-z]*$/,
};
const CHARSET_NAME: Record<string, string> = {
  N: 'digits',
  X: 'GS1 character set 82',
  Y: 'GS1 character set 39',
  Z: 'base64url characters',
};

/** The GS1 mod-10 check digit of a digit string (last digit). */
function checkDigitHolds(digits: string): boolean {
  let sum = 0;
  for (let i = digits.length - 2, w = 3; i >= 0; i--, w = 4 - w) sum += (digits.charCodeAt(i) - 48) * w;
  return (10 - (sum % 10)) % 10 === digits.charCodeAt(digits.length - 1) - 48;
}

/**
 * Checks one AI value against the table: the value is cut into the AI's components (GS1 Barcode
 * Syntax Dictionary), each with its length, character set, check digit and date. Other linters
 * of the dictionary (country codes, coupon structures…) are not applied. An AI the table does not
 * know is kept when it is well formed: 1–90 characters of set 82.
 */
export function checkAiValue(ai: string, value: string): string | undefined {
  const def = AI_TABLE.get(ai);
  if (!def) {
    if (!/^\d{2,4}$/.test(ai)) return `"${ai}" is not an AI (2 to 4 digits)`;
    if (value.length < 1 || value.length > 90 || !CHARSETS.X.test(value))
      return `AI (${ai}) is not in the GS1 table; its value must be 1 to 90 characters of GS1 character set 82, got "${value}"`;
    return undefined;
  }
  if (value.length > def.length || value.length < 1 || (def.fixed && value.length !== def.length)) {
    return `AI (${ai}) ${def.title} must be ${def.fixed ? 'exactly' : '1 to'} ${def.length} characters, got "${value}"`;
  }
  let pos = 0;
  for (const [type, min, max, optional, linters] of def.components) {
    if (pos >= value.length && optional === 1) break;
    const part = value.slice(pos, pos + max);
    pos += part.length;
    if (part.length < min)
      return `AI (${ai}) ${def.title} is too short: "${value}" (${def.components.length > 1 ? 'a part needs' : 'needs'} at least ${min} characters)`;
    if (!CHARSETS[type].test(part))
      return `AI (${ai}) ${def.title} must be ${CHARSET_NAME[type]}${def.components.length > 1 ? ' in that part' : ''}, got "${value}"`;
    if (linters.includes('csum') && !checkDigitHolds(part))
      return `AI (${ai}) ${def.title} "${value}" has a wrong check digit`;
    if ((linters.includes('yymmd0') || linters.includes('yymmdd')) && gs1DateToIso(part) === undefined)
      return `AI (${ai}) ${def.title} "${value}" is not a real YYMMDD date`;
    if (linters.includes('yymmdd') && part.endsWith('00'))
      return `AI (${ai}) ${def.title} "${value}" is not a real YYMMDD date (day 00 is not allowed here)`;
  }
  if (pos < value.length) return `AI (${ai}) ${def.title} is too long: "${value}"`;
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
