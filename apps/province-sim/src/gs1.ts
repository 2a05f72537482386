/**
 * GS1 check digits written out from the GS1 General Specifications (weights 3,1,3,… from the
 * rightmost data digit), independent of @txng/national-model so the demo checks the hub against
 * the standard rather than against itself.
 */
export function checkDigit(data: string): string {
  let sum = 0;
  for (let i = data.length - 1, w = 3; i >= 0; i--, w = w === 3 ? 1 : 3) sum += Number(data[i]) * w;
  return String((10 - (sum % 10)) % 10);
}

/** GTIN-13 from a 7-digit company prefix and an item reference (12 data digits in all). */
export function gtin13(prefix: string, itemRef: number): string {
  const data = prefix + String(itemRef).padStart(12 - prefix.length, '0');
  return data + checkDigit(data);
}

/** GLN (13 digits) from a company prefix and a location reference. */
export function gln(prefix: string, locationRef: number): string {
  return gtin13(prefix, locationRef);
}

/** SSCC (18 digits): extension digit, company prefix, serial reference, check digit. */
export function sscc(prefix: string, serialRef: number): string {
  const data = '0' + prefix + String(serialRef).padStart(16 - prefix.length, '0');
  return data + checkDigit(data);
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
