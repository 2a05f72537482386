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

/** Why a well-formed GTIN names no trade item (GS1 General Specifications 1.4.2, the GS1 prefix list). */
export type NonTradeItemKind = 'refund-receipt' | 'coupon' | 'demonstration';

/** The GTIN-13 a GTIN-12/13/14 stands for (indicator digit dropped); undefined for GTIN-8 or bad input. */
function gtin13Body(value: string): string | undefined {
  const trimmed = value.trim();
  if (!/^\d{12,14}$/.test(trimmed)) return undefined;
  const gtin14 = trimmed.padStart(14, '0');
  return gtin14.startsWith('000000') ? undefined : gtin14.slice(1);
}

/**
 * Numbers under GS1 prefixes that are not for trade items: 980 refund receipts, 981–984 coupons
 * in common currency areas, 99 coupons, 05 (a GTIN-12 with U.P.C. prefix 5) coupons, 952 GS1's
 * demonstration numbers for manuals and samples. GTIN-8 prefixes follow another list and are
 * not judged here. A case (indicator 1–9) is judged by what it contains, as for restricted GTINs.
 */
export function nonTradeItemGtin(value: string): NonTradeItemKind | undefined {
  const gtin13 = gtin13Body(value);
  if (gtin13 === undefined) return undefined;
  if (gtin13.startsWith('980')) return 'refund-receipt';
  if (/^(98[1-4]|99|05)/.test(gtin13)) return 'coupon';
  if (gtin13.startsWith('952')) return 'demonstration';
  return undefined;
}

/**
 * False for GTIN-13s made from an ISSN (977), ISBN (978, 979) or ISMN (979-0): valid trade items,
 * but allocated by the ISSN and ISBN agencies, so no GS1 company prefix (and no registry entry)
 * stands behind them. True for every other well-formed GTIN-12/13/14.
 */
export function hasGs1CompanyPrefix(value: string): boolean {
  const gtin13 = gtin13Body(value);
  return gtin13 !== undefined && !/^97[789]/.test(gtin13);
}

/**
 * The digits the portal's prefix registry accepts for a GTIN: the GTIN-13 body without its check
 * digit (12 digits) and each leading part of 7–12 digits, longest first. GS1 company prefixes are
 * 6–12 digits, but the registry lookup starts at 7 (national-portal-api.md).
 */
export function companyPrefixCandidates(value: string): string[] {
  const gtin14 = toGtin14(value);
  if (gtin14 === undefined || !hasGs1CompanyPrefix(gtin14)) return [];
  const body = gtin14.slice(1, 13);
  const candidates: string[] = [];
  for (let len = 12; len >= 7; len--) candidates.push(body.slice(0, len));
  return candidates;
}
