import { hasValidCheckDigit } from './check-digit';

export type GtinLength = 8 | 12 | 13 | 14;

/** True for an 8, 12, 13 or 14 digit string whose GS1 check digit holds. */
export function isValidGtin(value: string): boolean {
  return /^(\d{8}|\d{12,14})$/.test(value) && hasValidCheckDigit(value);
}

/**
 * GTIN-8/12/13/14 → GTIN-14 by left-padding with zeros (the check digit is unchanged by padding
 * because leading zeros add nothing to the weighted sum). Returns undefined for a malformed GTIN.
 */
export function toGtin14(value: string): string | undefined {
  const trimmed = value.trim();
  if (!isValidGtin(trimmed)) return undefined;
  return trimmed.padStart(14, '0');
}

/**
 * GTIN-14 → GTIN-13 when its indicator digit is 0 (the common retail case); undefined otherwise.
 */
export function toGtin13(gtin14: string): string | undefined {
  if (!/^\d{14}$/.test(gtin14) || gtin14[0] !== '0') return undefined;
  return gtin14.slice(1);
}

/**
 * Restricted-circulation GTINs (GS1 General Specifications 1.4): GTIN-13 prefixes 02, 04 and
 * 20–29, and GTIN-8 starting 0 or 2. A GTIN-14 is judged by the GTIN it pads: `000000` + 8 digits
 * is a GTIN-8, otherwise a leading `0` + 13 digits is a GTIN-13. An indicator digit 1–9 marks a
 * trade-item grouping of a GTIN-13 and is judged on the 13 digits after the indicator, so a case
 * of a restricted item is restricted too. GTIN-12 (UPC) padded as `00` + 12 digits is a GTIN-13
 * starting 0 followed by the UPC; UPC number systems 2 and 4 (GTIN-13 `02…`, `04…`) are exactly
 * the restricted ones, so one rule covers both.
 */
export function isRestrictedGtin(value: string): boolean {
  const trimmed = value.trim();
  if (!/^(\d{8}|\d{12,14})$/.test(trimmed)) return false;
  if (trimmed.length === 8) return trimmed[0] === '0' || trimmed[0] === '2';
  const gtin14 = trimmed.padStart(14, '0');
  if (gtin14.startsWith('000000')) {
    const gtin8 = gtin14.slice(6);
    return gtin8[0] === '0' || gtin8[0] === '2';
  }
  const gtin13 = gtin14.slice(1);
  return /^(0[24]|2\d)/.test(gtin13);
}

/**
 * The digits the portal's prefix registry accepts for a GTIN: the GTIN-13 body without its check
 * digit (12 digits) and each leading part of 7–12 digits, longest first. GS1 company prefixes are
 * 6–12 digits, but the registry lookup starts at 7 (national-portal-api.md).
 */
export function companyPrefixCandidates(value: string): string[] {
  const gtin14 = toGtin14(value);
  if (gtin14 === undefined) return [];
  const body = gtin14.slice(1, 13);
  const candidates: string[] = [];
  for (let len = 12; len >= 7; len--) candidates.push(body.slice(0, len));
  return candidates;
}
