import { createHmac, randomUUID } from 'node:crypto';

/**
 * Signs as the Standard Webhooks specification says, written out with node:crypto rather than the
 * library the hub uses, so the tests check the hub against the specification and not against itself.
 */
export function signWebhook(
  secret: string,
  body: string | Buffer,
  options: { id?: string; timestamp?: number } = {},
): Record<string, string> {
  const id = options.id ?? `msg_${randomUUID()}`;
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const signature = createHmac('sha256', key)
    .update(
      Buffer.concat([Buffer.from(`${id}.${timestamp}.`), Buffer.isBuffer(body) ? body : Buffer.from(body)]),
    )
    .digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}` };
}
