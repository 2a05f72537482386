import { type Client } from 'pg';
import request from 'supertest';
import { withCheckDigit } from '@txng/national-model';
import { signWebhook } from './webhook-signer';

/**
 * A JSON webhook source (as the operator API takes it) whose body is already a national-model
 * envelope: the mapping passes it through. Spread it and set `mapping` for another mapping.
 */
export const passThroughSource = (key: string, provinceCode = '92', name = `Nguồn kiểm thử ${key}`) => ({
  key,
  provinceCode,
  name,
  kind: 'webhook',
  format: 'json',
  rateLimitPerMinute: 100000,
  mapping: { language: 'jsonata', expression: '$' },
});

/** A GTIN-13 with its GS1 check digit. */
export function gtin13(body12: string): string {
  return withCheckDigit(body12);
}

/**
 * Posts `body` as JSON to the source's webhook, signed with its secret (under `id` as webhook-id if
 * given); expects 202 and answers the receipt id.
 */
export async function sendWebhook(
  url: string,
  sourceKey: string,
  secret: string,
  body: unknown,
  options: { id?: string } = {},
): Promise<string> {
  const raw = JSON.stringify(body);
  const res = await request(url)
    .post(`/v1/webhooks/${sourceKey}`)
    .set({ 'Content-Type': 'application/json', ...signWebhook(secret, raw, options) })
    .send(raw)
    .expect(202);
  return res.body.receiptId as string;
}

/** A receipt's status, record counts and error, as the pipeline left them. */
export async function receiptOutcome(
  db: Client,
  receiptId: string,
): Promise<{ status: string; counts: Record<string, number>; error: string | null }> {
  const res = await db.query<{ status: string; counts: Record<string, number>; error: string | null }>(
    'SELECT status, counts, error FROM receipt WHERE id = $1',
    [receiptId],
  );
  return res.rows[0];
}
