import { normaliseGs1Identifier } from './dl-normaliser';

const OLD_VOCAB: Array<[string, string]> = [
  ['urn:epcglobal:cbv:bizstep:', 'https://ref.gs1.org/cbv/BizStep-'],
  ['urn:epcglobal:cbv:disp:', 'https://ref.gs1.org/cbv/Disp-'],
  ['urn:epcglobal:cbv:btt:', 'https://ref.gs1.org/cbv/BTT-'],
  ['urn:epcglobal:cbv:sdt:', 'https://ref.gs1.org/cbv/SDT-'],
  ['urn:epcglobal:cbv:er:', 'https://ref.gs1.org/cbv/ER-'],
];

/**
 * A number written the way Python's `str(float)` / `str(int)` writes it, because the reference
 * pre-hash strings were produced that way: integral values without ".0" (and exact beyond 2^53),
 * others in shortest round-trip form with an exponent below 1e-4 or from 1e16 (e.g. "1e-05").
 */
export function pythonNumberString(n: number): string {
  if (Number.isInteger(n)) return BigInt(n).toString();
  const [mantissa, expText] = n.toExponential().split('e');
  const exp = Number(expText);
  if (exp >= -4 && exp < 16) return fixed(mantissa, exp);
  return `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

function fixed(mantissa: string, exp: number): string {
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace(/^-/, '').replace('.', '');
  let out: string;
  if (exp < 0) out = `0.${'0'.repeat(-exp - 1)}${digits}`;
  else if (digits.length > exp + 1) out = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  else out = digits + '0'.repeat(exp + 1 - digits.length);
  return (negative ? '-' : '') + out;
}

const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Numbers lose leading zeros, a leading "+", trailing ".0" — anything numeric is one number. */
export function canonicalNumber(text: string): string {
  if (!NUMERIC.test(text)) return text;
  const n = Number(text);
  if (!Number.isFinite(n)) return text;
  return pythonNumberString(n);
}

/** Value canonicalisation of the Event Hash ID: old CBV URNs, numbers, GS1 identifiers. */
export function canonicalValue(text: string): string {
  let value = text;
  for (const [from, to] of OLD_VOCAB) value = value.split(from).join(to);
  value = canonicalNumber(value);
  return normaliseGs1Identifier(value) ?? value;
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(Z|z|[+-]\d{2}:?\d{2})?$/;

/**
 * Timestamps are hashed in UTC at millisecond precision with "Z". Extra fraction digits are
 * rounded half up, so 11:04:03.1415Z hashes as 11:04:03.142Z. A time without
 * offset is taken as UTC. Text that is not a timestamp is returned unchanged.
 */
export function canonicalTimestamp(text: string): string {
  const m = DATE_TIME.exec(text);
  if (!m) return text;
  // Rounded to the millisecond: the reference vectors hash 11:04:03.1415Z as 11:04:03.142Z.
  const ms = Math.round(Number(`0.${m[7] ?? '0'}`) * 1000);
  let t = Date.UTC(
    Number(m[1]),
    Number(m[2]) - 1,
    Number(m[3]),
    Number(m[4]),
    Number(m[5]),
    Number(m[6]),
    ms,
  );
  const zone = m[8];
  if (zone && zone !== 'Z' && zone !== 'z') {
    const z = zone.replace(':', '');
    const minutes = Number(z.slice(1, 3)) * 60 + Number(z.slice(3, 5));
    t -= (z[0] === '-' ? -1 : 1) * minutes * 60000;
  }
  const date = new Date(t);
  return Number.isNaN(date.getTime()) ? text : date.toISOString();
}
