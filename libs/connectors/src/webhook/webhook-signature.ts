import { createHmac, timingSafeEqual } from 'node:crypto';

export interface SignatureHeaders {
  'webhook-id'?: string;
  'webhook-timestamp'?: string;
  'webhook-signature'?: string;
}

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

const TOLERANCE_SECONDS = 300;
const SECRET_PREFIX = 'whsec_';
/** An HMAC-SHA256 in base64: 44 characters. Entries of another length cannot match. */
const SIGNATURE_CHARS = 44;

/**
 * Standard Webhooks verification (hub-interface.md, "Webhook ingest") over the raw body bytes with
 * any of the source's live secrets (several during a rotation): HMAC-SHA256 of
 * `{webhook-id}.{webhook-timestamp}.{raw body}` under the base64-decoded part of `whsec_…`, compared in
 * constant time with each space-separated `v1,<base64>` entry; entries of other versions are ignored.
 *
 * Written on node:crypto rather than the `standardwebhooks` package: that package hashes in
 * JavaScript, which for a 10 MiB body is the most expensive thing an unauthenticated caller can make
 * the hub do, and it signs the body decoded as UTF-8 text, so a body that is not valid UTF-8 never
 * matched a signature made over its bytes. The body is hashed once per secret, whatever the
 * number of signatures offered.
 */
export function verifyWebhookSignature(
  body: Buffer,
  headers: SignatureHeaders,
  secrets: string[],
  nowSeconds = Math.floor(Date.now() / 1000),
): SignatureCheck {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signature = headers['webhook-signature'];
  const missing = (['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const).filter(
    (h) => !headers[h],
  );
  if (missing.length > 0) return { ok: false, reason: `Missing header(s): ${missing.join(', ')}.` };
  if (!/^\d{1,12}$/.test(timestamp ?? ''))
    return { ok: false, reason: 'webhook-timestamp must be Unix seconds.' };
  const skew = nowSeconds - Number(timestamp);
  if (Math.abs(skew) > TOLERANCE_SECONDS) {
    return {
      ok: false,
      reason: `webhook-timestamp is ${Math.abs(skew)} s ${skew > 0 ? 'old' : 'in the future'}; it must be within ${TOLERANCE_SECONDS} s of the hub's clock (check the sender's clock, and sign each delivery afresh).`,
    };
  }
  if (secrets.length === 0)
    return { ok: false, reason: 'This source has no active signing secret; ask the Center to rotate it.' };

  const offered = offeredSignatures(signature!);
  if (offered.length > 0) {
    const prefix = Buffer.from(`${id}.${timestamp}.`, 'utf8');
    for (const secret of secrets) {
      const expected = Buffer.from(
        createHmac('sha256', secretKey(secret)).update(prefix).update(body).digest('base64'),
        'latin1',
      );
      // Every offered entry is compared (no early exit), so timing says nothing about which matched.
      let matched = false;
      for (const candidate of offered) matched = timingSafeEqual(candidate, expected) || matched;
      if (matched) return { ok: true };
    }
  }
  return {
    ok: false,
    reason:
      'No signature in webhook-signature matches. Sign "{webhook-id}.{webhook-timestamp}.{raw body}" with HMAC-SHA256 ' +
      'under the base64-decoded part of the source secret (after "whsec_") and send "v1,<base64 signature>".',
  };
}

/**
 * The base64 text of the header's `v1,` entries, compared as text as the specification's reference
 * libraries do (a non-canonical spelling of the right bytes does not match). Entries of another
 * version or length cannot match and are dropped before any hashing.
 */
function offeredSignatures(header: string): Buffer[] {
  const offered: Buffer[] = [];
  for (const entry of header.split(' ')) {
    const comma = entry.indexOf(',');
    if (comma < 0 || entry.slice(0, comma) !== 'v1') continue;
    const value = entry.slice(comma + 1);
    if (value.length === SIGNATURE_CHARS) offered.push(Buffer.from(value, 'latin1'));
  }
  return offered;
}

/** The HMAC key of a `whsec_<base64>` secret (a secret without the prefix is taken as base64 too). */
function secretKey(secret: string): Buffer {
  return Buffer.from(
    secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret,
    'base64',
  );
}
