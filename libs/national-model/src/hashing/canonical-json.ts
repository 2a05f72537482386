import canonicalizeJson from 'canonicalize';

/**
 * RFC 8785 JSON Canonicalization Scheme text of `value`: sorted keys, no whitespace, ECMAScript
 * number form. `undefined` members are dropped as JSON.stringify drops them.
 */
export function canonicalJson(value: unknown): string {
  const text = canonicalizeJson(value);
  if (text === undefined) throw new TypeError('value has no JSON representation');
  return text;
}
