import { withCheckDigit } from '@txng/national-model';

/*
 * GS1 keys built from a company prefix and a reference number. The check digit comes from
 * @txng/national-model, whose own spec pins it to the GS1 General Specifications' worked examples.
 */

/** GTIN-13 from a 7-digit company prefix and an item reference (12 data digits in all). */
export function gtin13(prefix: string, itemRef: number): string {
  const data = prefix + String(itemRef).padStart(12 - prefix.length, '0');
  return withCheckDigit(data);
}

/** GLN (13 digits) from a company prefix and a location reference. */
export function gln(prefix: string, locationRef: number): string {
  return gtin13(prefix, locationRef);
}

/** SSCC (18 digits): extension digit, company prefix, serial reference, check digit. */
export function sscc(prefix: string, serialRef: number): string {
  const data = '0' + prefix + String(serialRef).padStart(16 - prefix.length, '0');
  return withCheckDigit(data);
}

/** The same code with a wrong check digit: a typo as a province's data-entry clerk makes it. */
export function withWrongCheckDigit(code: string): string {
  const right = Number(code[code.length - 1]);
  return code.slice(0, -1) + String((right + 3) % 10);
}

export const gtin14 = (gtin: string): string => gtin.padStart(14, '0');
export const digitalLink = (gtin: string, ai: '10' | '21', value: string): string =>
  `https://id.gs1.org/01/${gtin14(gtin)}/${ai}/${encodeURIComponent(value)}`;
export const sglnUri = (code: string): string => `https://id.gs1.org/414/${code}`;
export const ssccUri = (code: string): string => `https://id.gs1.org/00/${code}`;
export const pglnUri = (code: string): string => `https://id.gs1.org/417/${code}`;
