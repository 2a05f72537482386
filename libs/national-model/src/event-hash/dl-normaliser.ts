import { DL_PRIMARY_KEYS, DL_SHORT_NAMES } from '../carriers/digital-link';
import { epcUrnToDigitalLink } from '../carriers/epc-urn';

// Characters the reference normaliser accepts in a canonical value (a subset of set 82).
const V = `["'\\-.0-9;-?A-Z_a-z]`;
const CANONICAL = [
  /^00\/\d{18}$/,
  new RegExp(`^01\\/\\d{14}(\\/(21|10)\\/${V}{0,20}|\\/235\\/${V}{0,28})?$`),
  new RegExp(`^253\\/\\d{13}${V}{0,17}$`),
  /^255\/\d{13}\d{0,12}$/,
  new RegExp(`^(401|8004)\\/${V}{0,30}$`),
  /^402\/\d{17}$/,
  new RegExp(`^414\\/\\d{13}(\\/254\\/${V}{0,20})?$`),
  /^417\/\d{13}$/,
  new RegExp(`^8003\\/\\d{14}${V}{0,16}$`),
  new RegExp(`^8006\\/\\d{18}(\\/(21|10)\\/${V}{0,20})?$`),
  /^8010\/[#\-/0-9A-Z]{0,30}(\/8011\/\d{0,12})?$/,
  /^(8017|8018)\/\d{18}$/,
];

/**
 * The Event Hash ID's identifier normalisation (CBV 2.0 §8.9, as the reference implementation
 * does it): EPC URNs and Digital Link URIs on any domain become the canonical id.gs1.org Digital
 * Link with only the finest identification level — no query, no CPV, no lot when a serial is
 * present, GTINs padded to 14 digits. Anything else gives undefined and is hashed as written.
 */
export function normaliseGs1Identifier(text: string): string | undefined {
  if (text.startsWith('urn:epc:')) return epcUrnToDigitalLink(text);
  const m = /^https?:\/\/[^/?#]*(\/[^?#]*)/.exec(text);
  if (!m) return undefined;
  const segments = m[1]
    .split('/')
    .filter((s) => s !== '')
    .map((s) => DL_SHORT_NAMES[s] ?? s);
  const start = segments.findIndex((s, i) => DL_PRIMARY_KEYS.has(s) && /^\d{4}/.test(segments[i + 1] ?? ''));
  if (start < 0) return undefined;
  const pairs: Array<[string, string]> = [];
  for (let i = start; i + 1 < segments.length; i += 2) pairs.push([segments[i], segments[i + 1]]);
  if (pairs[0][0] === '01' && /^(\d{8}|\d{12,13})$/.test(pairs[0][1]))
    pairs[0][1] = pairs[0][1].padStart(14, '0');
  let kept = pairs.filter(([ai]) => ai !== '22');
  if (kept.some(([ai]) => ai === '21')) kept = kept.filter(([ai]) => ai !== '10');
  const path = kept.map(([ai, v]) => `${ai}/${v}`).join('/');
  return CANONICAL.some((re) => re.test(path)) ? `https://id.gs1.org/${path}` : undefined;
}
