import { isCset82, isValidLotOrSerial } from '../gs1/cset82';
import { isValidGln, isValidSscc } from '../gs1/gs1-keys';
import { isRestrictedGtin, isValidGtin, nonTradeItemGtin } from '../gs1/gtin';
import { resolveProvinceCode } from '../text/provinces';
import { hasValidTaxCodeCheckDigit, taxCodeCheckDigit, taxCodeKind } from '../tax/tax-code';
import { isRec20Unit } from '../units/units';
import { type Finding, show } from './finding';

export type Obj = Record<string, unknown>;

export function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isBlank(value: unknown): boolean {
  return (
    value === undefined ||
    value === null ||
    (typeof value === 'string' && value.trim() === '') ||
    (Array.isArray(value) && value.length === 0)
  );
}

/** Collects findings for one record; `at` builds JSON Pointers under the record's base path. */
export class FindingList {
  readonly items: Finding[] = [];
  constructor(private readonly base: string) {}

  at(...segments: Array<string | number>): string {
    return this.base + segments.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
  }

  add(code: Finding['code'], message: string, ...segments: Array<string | number>): void {
    this.items.push({ code, message, path: this.at(...segments) });
  }

  /** A remark that is shown with the record but does not quarantine it. */
  warn(code: Finding['code'], message: string, ...segments: Array<string | number>): void {
    this.items.push({ code, message, path: this.at(...segments), severity: 'warning' });
  }
  /** REQUIRED_FIELD when missing; returns whether the value is present. */
  required(record: Obj, field: string, what: string): boolean {
    if (!isBlank(record[field])) return true;
    this.add('REQUIRED_FIELD', `${field} (${what}) is required and missing or empty`, field);
    return false;
  }
}

export function checkGtin(f: FindingList, value: unknown, ...path: Array<string | number>): void {
  if (typeof value !== 'string' || !isValidGtin(value.trim())) {
    f.add(
      'GTIN_FORMAT',
      `GTIN ${show(value)} must be 8, 12, 13 or 14 digits with a valid GS1 check digit`,
      ...path,
    );
    return;
  }
  if (isRestrictedGtin(value.trim())) {
    f.add(
      'GTIN_RESTRICTED',
      `GTIN ${show(value)} is a restricted-circulation number (in-store or company-internal) and cannot be published; use the GTIN assigned under your GS1 company prefix`,
      ...path,
    );
    return;
  }
  const notTradeItem = nonTradeItemGtin(value.trim());
  if (notTradeItem !== undefined) {
    f.add(
      'GTIN_NOT_TRADE_ITEM',
      `GTIN ${show(value)} is under a GS1 prefix for ${NON_TRADE_ITEM_TEXT[notTradeItem]}, not a trade item, and cannot be published; use the GTIN assigned under your GS1 company prefix`,
      ...path,
    );
  }
}

const NON_TRADE_ITEM_TEXT = {
  'refund-receipt': 'refund receipts (980)',
  coupon: 'coupons (05, 981-984, 99)',
  demonstration: 'GS1 demonstration numbers (952)',
} as const;

export function checkGln(f: FindingList, value: unknown, ...path: Array<string | number>): void {
  if (typeof value !== 'string' || !isValidGln(value)) {
    f.add('GLN_FORMAT', `GLN ${show(value)} must be 13 digits with a valid GS1 check digit`, ...path);
  }
}

export function checkSscc(f: FindingList, value: unknown, ...path: Array<string | number>): void {
  if (typeof value !== 'string' || !isValidSscc(value)) {
    f.add('SSCC_FORMAT', `SSCC ${show(value)} must be 18 digits with a valid GS1 check digit`, ...path);
  }
}

export function checkLot(f: FindingList, value: unknown, ...path: Array<string | number>): void {
  if (typeof value !== 'string' || !isValidLotOrSerial(value)) {
    f.add(
      'LOT_FORMAT',
      `lot ${show(value)} must be 1-20 characters of GS1 character set 82 (A-Z a-z 0-9 and ! " % & ' ( ) * + , - . / : ; < = > ? _; no spaces or Vietnamese letters)`,
      ...path,
    );
  }
}

export function checkSerial(f: FindingList, value: unknown, ...path: Array<string | number>): void {
  if (typeof value !== 'string' || !isValidLotOrSerial(value)) {
    f.add(
      'SERIAL_FORMAT',
      `serial ${show(value)} must be 1-20 characters of GS1 character set 82 (no spaces or Vietnamese letters)`,
      ...path,
    );
  }
}

export function checkGlnExtension(f: FindingList, value: unknown, ...path: Array<string | number>): void {
  if (typeof value !== 'string' || value.length < 1 || value.length > 20 || !isCset82(value)) {
    f.add(
      'GLN_FORMAT',
      `GLN extension (AI 254) ${show(value)} must be 1-20 characters of GS1 character set 82`,
      ...path,
    );
  }
}

/**
 * TAX_CODE_FORMAT when the code has none of the shapes (10 digits, 10 + "-" + 3, or a 12-digit
 * personal identification number); a TAX_CODE_CHECK_DIGIT warning when a 10-digit code's check
 * digit does not hold (a warning: the rule is the tax authority's, not the contract's, and a
 * mistyped code is better shown than held back).
 */
export function checkTaxCode(f: FindingList, value: unknown, ...path: Array<string | number>): void {
  const kind = typeof value === 'string' ? taxCodeKind(value) : undefined;
  if (kind === undefined) {
    f.add(
      'TAX_CODE_FORMAT',
      `tax code ${show(value)} must be 10 digits, 10 digits + "-" + 3 digits for a branch (e.g. 0301234567 or 0301234567-001), or a household business's 12-digit personal identification number, written as a string`,
      ...path,
    );
    return;
  }
  if (kind !== 'personal-id' && !hasValidTaxCodeCheckDigit(value as string)) {
    f.warn(
      'TAX_CODE_CHECK_DIGIT',
      `tax code ${show(value)} fails the check digit of Vietnamese tax codes (the tenth digit should be ${String(taxCodeCheckDigit((value as string).slice(0, 9)) ?? 'none: no such code is issued')}); check it for a mistyped digit`,
      ...path,
    );
  }
}

export function checkProvince(f: FindingList, value: unknown, ...path: Array<string | number>): void {
  if (typeof value !== 'string' || resolveProvinceCode(value).status === 'unknown') {
    f.add(
      'PROVINCE_UNKNOWN',
      `province code ${show(value)} is neither one of the 34 two-digit codes in force since 2025-07-01 nor a pre-merger code (send it as a string, e.g. "92")`,
      ...path,
    );
  }
}

export function isPositiveFinite(value: unknown): boolean {
  return typeof value === 'number' && Number.isFinite(value) && value > 0;
}

/** `{value, uom}`: QUANTITY_RANGE for the number, UOM_UNKNOWN for the unit. */
export function checkQuantity(
  f: FindingList,
  q: unknown,
  what: string,
  ...path: Array<string | number>
): void {
  if (!isObj(q)) {
    f.add('QUANTITY_RANGE', `${what} must be an object {value, uom}, got ${show(q)}`, ...path);
    return;
  }
  if (!isPositiveFinite(q.value))
    f.add(
      'QUANTITY_RANGE',
      `${what} value ${show(q.value)} must be a positive finite number`,
      ...path,
      'value',
    );
  checkUom(f, q.uom, ...path, 'uom');
}

export function checkUom(f: FindingList, uom: unknown, ...path: Array<string | number>): void {
  if (typeof uom !== 'string' || !isRec20Unit(uom)) {
    f.add(
      'UOM_UNKNOWN',
      `unit ${show(uom)} is not a UN/ECE Rec 20 code (e.g. KGM, GRM, LTR, MLT, H87) and no mapping for it is known; map it in the source mapping`,
      ...path,
    );
  }
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date written YYYY-MM-DD. */
export function isIsoDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return (
    d.getUTCFullYear() === Number(m[1]) &&
    d.getUTCMonth() === Number(m[2]) - 1 &&
    d.getUTCDate() === Number(m[3])
  );
}
