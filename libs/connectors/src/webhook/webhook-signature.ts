import { Webhook, WebhookVerificationError } from 'standardwebhooks';

export interface SignatureHeaders {
  'webhook-id'?: string;
  'webhook-timestamp'?: string;
  'webhook-signature'?: string;
}

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

const TOLERANCE_SECONDS = 300;

/**
 * Standard Webhooks verification over the raw body with any of the source's live secrets (several
 * during a rotation). The library compares in constant time and accepts any one of the
 * space-separated `v1,` signatures.
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
  const payload = body.toString('utf8');
  for (const secret of secrets) {
    try {
      new Webhook(secret).verify(
        payload,
        { 'webhook-id': id!, 'webhook-timestamp': timestamp!, 'webhook-signature': signature! },
        { jsonParse: false },
      );
      return { ok: true };
    } catch (error) {
      if (!(error instanceof WebhookVerificationError)) throw error;
    }
  }
  return {
    ok: false,
    reason:
      'No signature in webhook-signature matches. Sign "{webhook-id}.{webhook-timestamp}.{raw body}" with HMAC-SHA256 ' +
      'under the base64-decoded part of the source secret (after "whsec_") and send "v1,<base64 signature>".',
  };
}
