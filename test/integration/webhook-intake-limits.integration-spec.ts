import http from 'node:http';
import request from 'supertest';
import { AddressConcurrencyLimiter } from '@txng/connectors';
import { admin, createActiveSource, JSON_SOURCE } from '../support/admin-client';
import { startGateway, type GatewayHarness } from '../support/gateway-harness';
import { signWebhook } from '../support/webhook-signer';

const body = (name = 'Gạo ST25'): string =>
  JSON.stringify({ products: [{ gtin: '8935049500018', name, owner: '0301234567', kg: 5 }] });

/** Until `check` holds, polling every 20 ms (fails after 10 s with `what`). */
async function until(what: string, check: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * A delivery that sends its headers and half its body, then holds the connection open until
 * `finish()`: the hub is reading its body meanwhile.
 */
function slowDelivery(url: string, key: string, secret: string, payload: string) {
  const bytes = Buffer.from(payload);
  const target = new URL(`/v1/webhooks/${key}`, url);
  const req = http.request(target, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'Content-Length': String(bytes.length),
      ...signWebhook(secret, bytes),
    },
  });
  const answer = new Promise<number>((resolve, reject) => {
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
  });
  req.write(bytes.subarray(0, 10));
  return {
    answer,
    finish: () => req.end(bytes.subarray(10)),
  };
}

/** Posts exactly these bytes (supertest re-encodes a Buffer sent as JSON). */
async function postBytes(
  url: string,
  key: string,
  bytes: Buffer,
  headers: Record<string, string>,
): Promise<{ status: number; body: { error?: string } }> {
  const res = await fetch(new URL(`/v1/webhooks/${key}`, url), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: bytes,
  });
  return { status: res.status, body: (await res.json()) as { error?: string } };
}

describe('webhook intake: signatures over raw bytes, work per address, bytes per source', () => {
  jest.setTimeout(90_000);
  let hub: GatewayHarness;
  let secret: string;

  const post = (payload: string, headers: Record<string, string>, key = JSON_SOURCE.key) =>
    request(hub.url)
      .post(`/v1/webhooks/${key}`)
      .set({ 'Content-Type': 'application/json', ...headers })
      .send(payload);

  beforeAll(async () => {
    hub = await startGateway({
      env: { WEBHOOK_CONCURRENCY_PER_ADDRESS: '2', WEBHOOK_WAITING_PER_ADDRESS: '1' },
    });
    secret = await createActiveSource(hub.url, { ...JSON_SOURCE, rateLimitPerMinute: 10_000 });
  });
  afterAll(async () => {
    await hub?.close();
  });

  it('verifies the signature over the bytes sent: a body that is not UTF-8 is judged by its parser, not refused as unsigned', async () => {
    const bytes = Buffer.concat([
      Buffer.from('{"products": [{"name": "'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}]}'),
    ]);
    const res = await postBytes(hub.url, JSON_SOURCE.key, bytes, signWebhook(secret, bytes));
    expect(res).toEqual({ status: 400, body: expect.objectContaining({ error: 'malformed_body' }) });
    // The same bytes under a wrong signature are still refused as unsigned.
    const stranger = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;
    const wrong = await postBytes(hub.url, JSON_SOURCE.key, bytes, signWebhook(stranger, bytes));
    expect(wrong).toEqual({ status: 401, body: expect.objectContaining({ error: 'signature_invalid' }) });
  });

  it('reads and verifies at most N bodies of one address at once, queues a few more, refuses the rest with 429', async () => {
    const limiter = hub.app.get(AddressConcurrencyLimiter);
    const address = '127.0.0.1';
    const a = slowDelivery(hub.url, JSON_SOURCE.key, secret, body('a'));
    const b = slowDelivery(hub.url, JSON_SOURCE.key, secret, body('b'));
    await until('two bodies are being read', () => limiter.active(address) === 2);

    // The third waits for a slot (its body is not read yet); the fourth finds the queue full.
    const c = slowDelivery(hub.url, JSON_SOURCE.key, secret, body('c'));
    c.finish();
    await until('the third waits', () => limiter.waiting(address) === 1);
    const refused = await post(body('d'), signWebhook(secret, body('d'))).expect(429);
    expect(refused.body.error).toBe('rate_limited');
    expect(refused.body.message).toMatch(/from your address/);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);

    a.finish();
    b.finish();
    expect(await Promise.all([a.answer, b.answer, c.answer])).toEqual([202, 202, 202]);
    expect(limiter.active(address)).toBe(0);
    // Slots come back after refusals too (a bad signature, a body too large).
    await post(body(), { ...signWebhook(secret, body()), 'webhook-signature': 'v1,AAAA' }).expect(401);
    await until('every slot is free again', () => limiter.active(address) === 0);
    await post(body('e'), signWebhook(secret, body('e'))).expect(202);
  });

  it('holds a source to its byte budget per minute, after the signature; refused bytes do not count', async () => {
    const key = 'bytes-budget';
    const own = await createActiveSource(hub.url, {
      ...JSON_SOURCE,
      key,
      rateLimitPerMinute: 10_000,
      rateLimitBytesPerMinute: 2048,
    });
    const source = await admin(hub.url).get(`/v1/admin/sources/${key}`).expect(200);
    expect(source.body.rateLimitBytesPerMinute).toBe(2048);
    const padded = (n: number) => body('x'.repeat(n - body('').length));
    // The budget is a fixed one-minute window: start well inside one so the calls share it.
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 50_000) await new Promise((r) => setTimeout(r, 60_500 - intoMinute));

    // A stranger's deliveries (bad signature) spend nothing of the budget.
    for (let i = 0; i < 3; i += 1) {
      await post(padded(900), { ...signWebhook(secret, padded(900)) }, key).expect(401);
    }
    await post(padded(900), signWebhook(own, padded(900)), key).expect(202);
    await post(padded(900), signWebhook(own, padded(900)), key).expect(202);
    const limited = await post(padded(900), signWebhook(own, padded(900)), key).expect(429);
    expect(limited.body.error).toBe('rate_limited');
    expect(limited.body.message).toMatch(/2048 bytes/);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // 1800 of 2048 bytes are spent; the refused 900 were given back, so 200 more still fit.
    await post(padded(200), signWebhook(own, padded(200)), key).expect(202);
  });
});
