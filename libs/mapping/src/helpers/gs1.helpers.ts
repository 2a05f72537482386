import {
  DEFAULT_DL_BASE,
  encodeDlValue,
  epcUrnToDigitalLink,
  gs1DateToIso,
  parseDigitalLink,
  parseElementString,
  toGtin14,
  withCheckDigit,
} from '@txng/national-model';

/** What `$gs1()` returns: the carrier's fields, or `{error}` saying why it could not be read. */
export type Gs1Parsed = Record<string, unknown>;

const str = (v: unknown): string | undefined =>
  typeof v === 'string' ? v.trim() : typeof v === 'number' && Number.isInteger(v) ? String(v) : undefined;

/**
 * A data carrier's content: a GS1 element string (bracketed `(01)…(10)…` or raw with GS
 * separators), a GS1 Digital Link URI on any domain, or an EPC URN (`urn:epc:id:sgtin:…`).
 */
export function gs1(input: unknown): Gs1Parsed | undefined {
  const s = str(input);
  if (s === undefined || s === '') return undefined;
  let uri = s;
  if (s.startsWith('urn:epc:')) {
    const dl = epcUrnToDigitalLink(s);
    if (dl === undefined) return { error: `"${s}" is not an EPC URN the hub can read` };
    uri = dl;
  }
  const result = /^https?:\/\//i.test(uri) ? parseDigitalLink(uri) : parseElementString(uri);
  if (!result.ok) return { error: result.error };
  return Object.fromEntries(Object.entries(result.data).filter(([, v]) => v !== undefined));
}

/** GTIN-8/12/13/14 → GTIN-14; anything else comes back unchanged so validation reports it. */
export function gtin14(input: unknown): string | undefined {
  const s = str(input);
  if (s === undefined) return undefined;
  return toGtin14(s) ?? s;
}

/** `https://id.gs1.org/01/{gtin14}[/10/{lot}][/21/{serial}]`. */
export function digitalLink(gtin: unknown, lot?: unknown, serial?: unknown): string | undefined {
  const g = gtin14(gtin);
  if (g === undefined || g === '') return undefined;
  let out = `${DEFAULT_DL_BASE}/01/${encodeDlValue(g)}`;
  const l = str(lot);
  const s = str(serial);
  if (l) out += `/10/${encodeDlValue(l)}`;
  if (s) out += `/21/${encodeDlValue(s)}`;
  return out;
}

/** A location as EPCIS 2.0 wants it: `https://id.gs1.org/414/{gln}[/254/{extension}]`. */
export function sgln(gln: unknown, extension?: unknown): string | undefined {
  const g = str(gln);
  if (g === undefined || g === '') return undefined;
  const ext = str(extension);
  return `${DEFAULT_DL_BASE}/414/${encodeDlValue(g)}${ext && ext !== '0' ? `/254/${encodeDlValue(ext)}` : ''}`;
}

/** A logistic unit: `https://id.gs1.org/00/{sscc}`. */
export function ssccLink(sscc: unknown): string | undefined {
  const s = str(sscc);
  return s ? `${DEFAULT_DL_BASE}/00/${encodeDlValue(s)}` : undefined;
}

/** The data digits with their GS1 check digit appended; undefined for non-digits. */
export function checkDigit(dataDigits: unknown): string | undefined {
  const s = str(dataDigits);
  return s && /^\d+$/.test(s) ? withCheckDigit(s) : undefined;
}

/** GS1 YYMMDD (AI 11, 15, 17) → YYYY-MM-DD; unchanged when it is not a real date. */
export function gs1Date(input: unknown): string | undefined {
  const s = str(input);
  if (s === undefined) return undefined;
  return gs1DateToIso(s) ?? s;
}
