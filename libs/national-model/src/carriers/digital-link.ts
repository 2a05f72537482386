import { AI_TABLE } from './ai-table';
import { type CarrierResult, toCarrierData } from './carrier-data';

export const DEFAULT_DL_BASE = 'https://id.gs1.org';

/** Short names GS1 Digital Link 1.0 allowed for some AIs; still seen in the wild. */
export const DL_SHORT_NAMES: Record<string, string> = {
  gtin: '01',
  itip: '8006',
  cpid: '8010',
  gln: '414',
  party: '417',
  gsrnp: '8017',
  gsrn: '8018',
  gcn: '255',
  sscc: '00',
  gdti: '253',
  ginc: '401',
  gsin: '402',
  grai: '8003',
  giai: '8004',
  cpv: '22',
  lot: '10',
  ser: '21',
};
/** AIs that can start a Digital Link path (its primary identification keys). */
export const DL_PRIMARY_KEYS: ReadonlySet<string> = new Set([
  '00',
  '01',
  '253',
  '255',
  '401',
  '402',
  '414',
  '417',
  '8003',
  '8004',
  '8006',
  '8010',
  '8017',
  '8018',
]);

/**
 * Percent-encodes a value for a Digital Link path or query: everything but the unreserved
 * characters `A-Z a-z 0-9 - . _ ~`, so `!`, `'`, `(`, `)`, `*` are encoded too (GS1 Digital Link
 * 1.2 §7.1: character set 82's sub-delimiters are percent-encoded; `encodeURIComponent` leaves them).
 */
export function encodeDlValue(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * Why the AIs after a primary key in a Digital Link path are not allowed there, or undefined:
 * they must be qualifiers of that key, in one of its qualifier sequences and in its order
 * (e.g. /01/…/22/…/10/…/21/…, or /01/…/235/…; never /01/…/21/…/10/…).
 */
export function dlPathError(primary: string, qualifiers: readonly string[]): string | undefined {
  if (qualifiers.length === 0) return undefined;
  const sequences = AI_TABLE.get(primary)?.qualifierSequences ?? [];
  const fits = (seq: readonly string[]) => {
    let at = -1;
    for (const q of qualifiers) {
      const i = seq.indexOf(q);
      if (i <= at) return false;
      at = i;
    }
    return true;
  };
  if (sequences.some(fits)) return undefined;
  const allowed = sequences.map((seq) => seq.map((q) => `/${q}`).join('')).join(' or ');
  return `/${qualifiers.join('/…/')} cannot follow /${primary} in a Digital Link path (${allowed ? `allowed, in this order: ${allowed}` : 'it takes no qualifiers'}); put other AIs in the query string`;
}

function decode(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

/** Splits a Digital Link URI into AI pairs (path first, then numeric query parameters). */
export function digitalLinkToPairs(uri: string): { pairs: Array<[string, string]> } | { error: string } {
  const m = /^https?:\/\/[^/?#]+(\/[^?#]*)?(\?[^#]*)?(#.*)?$/i.exec(uri.trim());
  if (!m) return { error: `"${uri}" is not an http(s) URI` };
  const segments = (m[1] ?? '').split('/').filter((s) => s !== '');
  const codes = segments.map((s) => DL_SHORT_NAMES[s] ?? s);
  // Anything before the primary key is the resolver's own path prefix.
  let start = -1;
  for (let i = 0; i + 1 < codes.length; i++) {
    if (DL_PRIMARY_KEYS.has(codes[i]) && (codes.length - i) % 2 === 0) {
      start = i;
      break;
    }
  }
  if (start < 0) return { error: `"${uri}" has no GS1 primary key (e.g. /01/{gtin}) in its path` };
  const pairs: Array<[string, string]> = [];
  for (let i = start; i < codes.length; i += 2) {
    const value = decode(segments[i + 1]);
    if (value === undefined) return { error: `bad percent-encoding in "${segments[i + 1]}"` };
    pairs.push([codes[i], value]);
  }
  const pathError = dlPathError(
    pairs[0][0],
    pairs.slice(1).map(([ai]) => ai),
  );
  if (pathError) return { error: `"${uri}": ${pathError}` };
  for (const param of (m[2] ?? '').slice(1).split('&')) {
    if (param === '') continue;
    const eq = param.indexOf('=');
    const key = eq < 0 ? param : param.slice(0, eq);
    const ai = DL_SHORT_NAMES[key] ?? key;
    // Non-AI query parameters (tracking, linkType) are not part of the identification.
    if (!AI_TABLE.has(ai)) continue;
    const value = decode(eq < 0 ? '' : param.slice(eq + 1).replace(/\+/g, '%20'));
    if (value === undefined) return { error: `bad percent-encoding in query parameter ${key}` };
    pairs.push([ai, value]);
  }
  return { pairs };
}

/** Parses a GS1 Digital Link URI on any domain. GTIN-8/12/13 in the path are padded to 14. */
export function parseDigitalLink(uri: string): CarrierResult {
  const split = digitalLinkToPairs(uri);
  if ('error' in split) return { ok: false, error: split.error };
  const pairs = split.pairs.map(([ai, v]): [string, string] => [
    ai,
    ai === '01' && /^(\d{8}|\d{12,13})$/.test(v) ? v.padStart(14, '0') : v,
  ]);
  return toCarrierData(pairs);
}

/**
 * Builds a Digital Link URI from AI values: the primary key and its qualifiers (in GS1's order)
 * in the path, every other AI as a query parameter in the order given.
 */
export function buildDigitalLink(ais: Record<string, string>, base = DEFAULT_DL_BASE): string | undefined {
  const primary = Object.keys(ais).find((ai) => DL_PRIMARY_KEYS.has(ai));
  if (primary === undefined) return undefined;
  // The qualifier sequence that holds the most of the given AIs (01: 22,10,21 or 235).
  const sequences = AI_TABLE.get(primary)?.qualifierSequences ?? [];
  const held = (seq: readonly string[]) => seq.filter((q) => ais[q] !== undefined).length;
  const qualifiers = [...sequences].sort((a, b) => held(b) - held(a))[0] ?? [];
  let path = `/${primary}/${encodeDlValue(ais[primary])}`;
  for (const q of qualifiers) if (ais[q] !== undefined) path += `/${q}/${encodeDlValue(ais[q])}`;
  const query = Object.entries(ais)
    .filter(([ai]) => ai !== primary && !qualifiers.includes(ai))
    .map(([ai, v]) => `${ai}=${encodeDlValue(v)}`)
    .join('&');
  return base.replace(/\/+$/, '') + path + (query ? `?${query}` : '');
}
