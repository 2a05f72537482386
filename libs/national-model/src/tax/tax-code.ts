/**
 * Vietnamese tax codes (mã số thuế). An enterprise, cooperative or organisation has 10 digits,
 * a dependent unit (branch) those 10 + "-" + 3 digits (Circular 105/2020/TT-BTC, kept by
 * Circular 86/2024/TT-BTC). Since 1 July 2025 an individual's or household business's tax code
 * is the 12-digit personal identification number of the citizen identity card (CCCD) (Circular
 * 86/2024/TT-BTC); those have no check digit.
 */
export type TaxCodeKind = 'organization' | 'dependent-unit' | 'personal-id';

const SHAPES: Array<[RegExp, TaxCodeKind]> = [
  [/^\d{10}$/, 'organization'],
  [/^\d{10}-\d{3}$/, 'dependent-unit'],
  [/^\d{12}$/, 'personal-id'],
];

/** What kind of tax code the text is written as; undefined when it has none of the shapes. */
export function taxCodeKind(value: string): TaxCodeKind | undefined {
  return SHAPES.find(([re]) => re.test(value))?.[1];
}

/** Weights of the tax code check digit over the first nine digits. */
const WEIGHTS = [31, 29, 23, 19, 17, 13, 7, 5, 3];

/**
 * The tenth digit of a 10-digit tax code: 10 − (Σ dᵢ·wᵢ mod 11) with weights 31, 29, 23, 19,
 * 17, 13, 7, 5, 3. Undefined when the sum is divisible by 11 (10 is no digit: no such code is
 * issued). Verified against published codes: Vinamilk 0300588569, FPT 0101248141, Viettel
 * 0100109106, MB 0100283873.
 */
export function taxCodeCheckDigit(firstNine: string): number | undefined {
  if (!/^\d{9}$/.test(firstNine)) return undefined;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += (firstNine.charCodeAt(i) - 48) * WEIGHTS[i];
  const check = 10 - (sum % 11);
  return check === 10 ? undefined : check;
}

/** True when a 10-digit or branch tax code's tenth digit is its check digit. */
export function hasValidTaxCodeCheckDigit(value: string): boolean {
  if (!/^\d{10}(-\d{3})?$/.test(value)) return false;
  return taxCodeCheckDigit(value.slice(0, 9)) === value.charCodeAt(9) - 48;
}

/**
 * A tax code as the national model writes it: a branch code written as 13 digits without the
 * hyphen, or with spaces around it, becomes `0123456789-001`. Anything else is left as it is.
 */
export function normalizeTaxCode(value: string): string {
  const m = /^(\d{10})\s*-?\s*(\d{3})$/.exec(value.trim());
  return m ? `${m[1]}-${m[2]}` : value;
}
