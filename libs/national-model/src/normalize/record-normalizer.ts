import { toGtin14 } from '../gs1/gtin';
import { recordKey } from '../records/record-keys';
import { type RecordKind } from '../records/record.types';
import { resolveProvinceCode } from '../text/provinces';
import { normalizeText } from '../text/vietnamese-text';
import { toRec20Unit } from '../units/units';
import { normalizeTaxCode } from '../tax/tax-code';
import { type CbvVocabulary, cbvBareWord } from '../validation/cbv-vocabulary';
import { type Finding } from '../validation/finding';
import { readDecimalText } from '../text/decimal-text';

export interface NormalizeOptions {
  /** Offset for events that leave `eventTimeZoneOffset` out; Vietnam is +07:00. */
  defaultOffset?: string;
}

export interface NormalizedRecord {
  kind: RecordKind;
  /** Undefined when the fields the key is built from are missing (validation reports them). */
  key: string | undefined;
  data: unknown;
  /** Warnings about what normalisation had to decide (e.g. NUMBER_AMBIGUOUS); never blocking. */
  findings: Finding[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Display text whose inner spacing carries no meaning: collapsed as well as trimmed. */
const DISPLAY_FIELDS = new Set(['name', 'address', 'brand', 'category']);

/** NFC + trim every string, at any depth; display fields also collapse inner whitespace. */
function deepText(value: unknown, field = ''): unknown {
  if (typeof value === 'string')
    return DISPLAY_FIELDS.has(field) ? normalizeText(value) : value.normalize('NFC').trim();
  if (Array.isArray(value)) return value.map((v) => deepText(v));
  if (isObj(value)) {
    const out: Obj = {};
    for (const [k, v] of Object.entries(value)) out[k.normalize('NFC')] = deepText(v, k);
    return out;
  }
  return value;
}

/**
 * `{value, uom}`: numeric text becomes a number, read in Vietnamese notation (`.` groups
 * thousands, `,` marks decimals; see readDecimalText), with a NUMBER_AMBIGUOUS warning when the
 * text could mean another number in English notation; free-text units become Rec 20 codes when known.
 */
function quantity(q: unknown, notes: Finding[], path: string, valueField = 'value'): unknown {
  if (!isObj(q)) return q;
  const out = { ...q };
  const v = out[valueField];
  if (typeof v === 'string') {
    const read = readDecimalText(v);
    if (read !== undefined) {
      out[valueField] = read.value;
      if (read.alternative !== undefined)
        notes.push({
          code: 'NUMBER_AMBIGUOUS',
          message: `"${v}" was read in Vietnamese notation as ${read.value} ("." groups thousands, "," marks decimals); in English notation it would be ${read.alternative}. If that is meant, give the source's decimal mark in its mapping ($number(x, ".") or $quantity(x, uom, "."))`,
          path: `${path}/${valueField}`,
          severity: 'warning',
        });
    }
  }
  if (typeof out.uom === 'string') out.uom = toRec20Unit(out.uom) ?? out.uom;
  return out;
}

/** CBV values written as URIs → bare words, as EPCIS 2.0 JSON writes them and the XML reading does. */
function cbvWords(r: Obj): void {
  const bare = (v: unknown, vocabulary: CbvVocabulary): unknown =>
    typeof v === 'string' ? cbvBareWord(v, vocabulary) : v;
  if (r.bizStep !== undefined) r.bizStep = bare(r.bizStep, 'bizstep');
  if (r.disposition !== undefined) r.disposition = bare(r.disposition, 'disp');
  if (isObj(r.persistentDisposition)) {
    const pd = { ...r.persistentDisposition };
    for (const k of ['set', 'unset'])
      if (Array.isArray(pd[k])) pd[k] = (pd[k] as unknown[]).map((d) => bare(d, 'disp'));
    r.persistentDisposition = pd;
  }
  for (const [list, vocabulary] of [
    ['bizTransactionList', 'btt'],
    ['sourceList', 'sdt'],
    ['destinationList', 'sdt'],
  ] as const) {
    if (Array.isArray(r[list]))
      r[list] = (r[list] as unknown[]).map((item) =>
        isObj(item) && item.type !== undefined ? { ...item, type: bare(item.type, vocabulary) } : item,
      );
  }
  if (isObj(r.errorDeclaration) && r.errorDeclaration.reason !== undefined)
    r.errorDeclaration = { ...r.errorDeclaration, reason: bare(r.errorDeclaration.reason, 'er') };
}

/** Branch tax codes written without their hyphen get it back, so the key is the same either way. */
function taxCodes(r: Obj): void {
  for (const field of ['taxCode', 'ownerTaxCode', 'producerTaxCode'])
    if (typeof r[field] === 'string') r[field] = normalizeTaxCode(r[field]);
}

function gtin(r: Obj): void {
  if (typeof r.gtin === 'string') r.gtin = toGtin14(r.gtin) ?? r.gtin;
}

function province(r: Obj): void {
  if (typeof r.provinceCode !== 'string') return;
  const resolved = resolveProvinceCode(r.provinceCode);
  if (resolved.status === 'legacy') {
    r.provinceCode = resolved.provinceCode;
    r.legacyProvinceCode = resolved.legacyProvinceCode;
  }
}

/**
 * The national-model form of a record: NFC text, GTIN-14, Rec 20 units where the free text is
 * known (unknown ones stay as written so validation reports UOM_UNKNOWN), current province codes
 * (keeping `legacyProvinceCode`), a default event offset, and the key. Pure and idempotent.
 */
export function normalizeRecord(
  kind: RecordKind,
  data: unknown,
  options: NormalizeOptions = {},
): NormalizedRecord {
  const r = deepText(data);
  const notes: Finding[] = [];
  if (!isObj(r)) return { kind, key: undefined, data: r, findings: notes };
  if (kind !== 'event') taxCodes(r);
  switch (kind) {
    case 'organization':
    case 'location':
      province(r);
      break;
    case 'product':
      gtin(r);
      if (r.netContent !== undefined) r.netContent = quantity(r.netContent, notes, '/netContent');
      break;
    case 'lot':
      gtin(r);
      if (r.quantity !== undefined) r.quantity = quantity(r.quantity, notes, '/quantity');
      break;
    case 'event':
      if (
        r.eventTimeZoneOffset === undefined ||
        r.eventTimeZoneOffset === '' ||
        r.eventTimeZoneOffset === null
      ) {
        r.eventTimeZoneOffset = options.defaultOffset ?? '+07:00';
      }
      cbvWords(r);
      for (const k of ['quantityList', 'childQuantityList', 'inputQuantityList', 'outputQuantityList']) {
        if (Array.isArray(r[k]))
          r[k] = (r[k] as unknown[]).map((q, i) => quantity(q, notes, `/${k}/${i}`, 'quantity'));
      }
      break;
  }
  let key: string | undefined;
  try {
    key = recordKey(kind, r);
  } catch {
    key = undefined;
  }
  return { kind, key, data: r, findings: notes };
}
