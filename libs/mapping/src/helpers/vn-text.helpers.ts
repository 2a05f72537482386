import {
  findProvinceByName,
  legacyProvinces,
  matchKey,
  normalizeTaxCode,
  resolveProvinceCode,
  toRec20Unit,
} from '@txng/national-model';
import { vnDateTimeToRfc3339, vnDateToIso } from './vn-date';
import { isAmbiguousNumber, parseVnNumber } from './vn-number';

const str = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined;

/** NFC + trim: NFD Vietnamese from macOS becomes the same text as NFC. */
export function text(input: unknown): string | undefined {
  const s = str(input);
  return s === undefined ? undefined : s.normalize('NFC').trim();
}

/** Free-text unit → UN/ECE Rec 20 code ("kg" → "KGM"); an unknown unit is returned as written. */
export function uom(input: unknown): string | undefined {
  const s = text(input);
  if (s === undefined) return undefined;
  return toRec20Unit(s) ?? s;
}

/**
 * A number from text in Vietnamese notation (or English where only English can be meant); the
 * input unchanged when it is not a number, and also when, without `decimalMark`, it could be
 * either ("1.500"): in a quantity the hub then reads it in Vietnamese notation and reports
 * NUMBER_AMBIGUOUS, instead of this helper guessing where no one sees it.
 */
export function vnNumber(input: unknown, decimalMark?: unknown): number | string | undefined {
  if (typeof input === 'number') return input;
  const s = str(input);
  if (s === undefined) return undefined;
  const mark = decimalMark === ',' || decimalMark === '.' ? decimalMark : undefined;
  if (mark === undefined && isAmbiguousNumber(s)) return s.trim();
  return parseVnNumber(s, mark) ?? s;
}

/**
 * "5 kg", "2,5 kg", "500gam", "12 hộp" → `{value, uom}` with the Rec 20 code. `defaultUom` is used
 * when the text is only a number; `decimalMark` as for `$number`. The parts that cannot be read are kept as written, so the
 * record is quarantined with QUANTITY_RANGE or UOM_UNKNOWN instead of losing the value.
 */
export function quantity(
  input: unknown,
  defaultUom?: unknown,
  decimalMark?: unknown,
): { value: unknown; uom: unknown } | undefined {
  if (typeof input === 'number') return { value: input, uom: uom(defaultUom) };
  const s = text(input);
  if (s === undefined || s === '') return undefined;
  const m = /^([+-]?[\d.,\s\u00a0]*\d)\s*(.*)$/u.exec(s);
  if (!m) return { value: s, uom: uom(defaultUom) };
  const unit = m[2].trim();
  return { value: vnNumber(m[1].trim(), decimalMark), uom: unit === '' ? uom(defaultUom) : uom(unit) };
}

/** `dd/MM/yyyy` (also d/M/yyyy, dd-MM-yyyy, dd.MM.yyyy) → `YYYY-MM-DD`; unchanged when not a real date. */
export function vnDate(input: unknown): string | undefined {
  const s = str(input);
  if (s === undefined) return undefined;
  return vnDateToIso(s) ?? s;
}

/** `dd/MM/yyyy HH:mm[:ss]` → RFC 3339 with +07:00; unchanged when not a real date and time. */
export function vnDateTime(input: unknown): string | undefined {
  const s = str(input);
  if (s === undefined) return undefined;
  return vnDateTimeToRfc3339(s) ?? s;
}

/**
 * A province code as the source wrote it, tidied: a number or one digit is padded ("4" → "04"),
 * a province name (current or pre-2025) becomes its code. Legacy codes stay legacy: the hub maps
 * them itself and keeps the original as `legacyProvinceCode`.
 */
export function provinceCode(input: unknown): string | undefined {
  const s = text(input);
  if (s === undefined || s === '') return undefined;
  if (/^\d{1,2}$/.test(s)) return s.padStart(2, '0');
  const current = findProvinceByName(s);
  if (current) return current.code;
  const strip = (n: string) => matchKey(n).replace(/^(tinh|thanh pho|tp\.?)\s+/, '');
  return legacyProvinces().find((p) => strip(p.name) === strip(s))?.code ?? s;
}

/** The province in force since 2025-07-01 for a current or pre-merger code (or name); unknown ones unchanged. */
export function province(input: unknown): string | undefined {
  const code = provinceCode(input);
  if (code === undefined) return undefined;
  const r = resolveProvinceCode(code);
  return r.status === 'unknown' ? code : r.provinceCode;
}

/** "0312 345 678", "0312.345.678-001", "0312345678001" → "0312345678", "0312345678-001", "0312345678-001". */
export function taxCode(input: unknown): string | undefined {
  const s = text(input);
  return s === undefined ? undefined : normalizeTaxCode(s.replace(/[\s.]/g, ''));
}
