import request from 'supertest';
import { type Queue } from 'bullmq';
import { type Client } from 'pg';
import { admin, createActiveSource, JSON_SOURCE } from '../support/admin-client';
import { startGateway, type GatewayHarness } from '../support/gateway-harness';
import { signWebhook } from '../support/webhook-signer';

const body = (n = 1): string =>
  JSON.stringify({
    products: Array.from({ length: n }, (_, i) => ({
      gtin: '8935049500018',
      name: `Gạo ST25 túi ${i + 1}`,
      owner: '0301234567',
      kg: 5,
    })),
  });

describe('webhook ingest (real PostgreSQL and Redis)', () => {
  let hub: GatewayHarness;
  let secret: string;
  let ingest: Queue;
  let db: Client;

  const post = (payload: string | Buffer, headers: Record<string, string>, key = JSON_SOURCE.key) =>
    request(hub.url)
      .post(`/v1/webhooks/${key}`)
      .set({ 'Content-Type': 'application/json', ...headers })
      .send(payload);

  beforeAll(async () => {
    hub = await startGateway();
    secret = await createActiveSource(hub.url, {
      ...JSON_SOURCE,
      maxBodyBytes: 4096,
      rateLimitPerMinute: 1000,
    });
    ingest = hub.queue('ingest');
    db = await hub.db();
  });
  afterAll(async () => {
    await hub?.close();
  });

  it('stores the raw body before answering 202 and queues the receipt', async () => {
    const payload = body(3);
    const res = await post(payload, signWebhook(secret, payload)).expect(202);
    expect(res.body).toEqual({ receiptId: expect.any(String), records: 3 });
    const row = await db.query('SELECT body, origin, status, queued_at FROM receipt WHERE id = $1', [
      res.body.receiptId,
    ]);
    expect(row.rows[0].body.toString('utf8')).toBe(payload);
    expect(row.rows[0].origin).toBe('webhook');
    expect(row.rows[0].queued_at).not.toBeNull();
    const job = await ingest.getJob(`receipt.${res.body.receiptId}`);
    expect(job?.data).toEqual({ receiptId: res.body.receiptId });
  });

  it('answers a repeated webhook-id with the first receipt and stores nothing twice', async () => {
    const payload = body();
    const headers = signWebhook(secret, payload);
    const first = await post(payload, headers).expect(202);
    const again = await post(payload, headers).expect(202);
    expect(again.body.receiptId).toBe(first.body.receiptId);
    const count = await db.query('SELECT count(*)::int AS n FROM receipt WHERE webhook_id = $1', [
      headers['webhook-id'],
    ]);
    expect(count.rows[0].n).toBe(1);
  });

  it('accepts any one of several signatures (secret rotation)', async () => {
    const payload = body();
    const good = signWebhook(secret, payload);
    const headers = {
      ...good,
      'webhook-signature': `v1,AAAAbm90IGEgcmVhbCBzaWduYXR1cmU= ${good['webhook-signature']}`,
    };
    await post(payload, headers).expect(202);
  });

  it.each([
    ['no signature headers', () => ({})],
    ['a wrong signature', () => ({ ...signWebhook(secret, body()), 'webhook-signature': 'v1,d3Jvbmc=' })],
    ['a body changed after signing', () => signWebhook(secret, body(2))],
    [
      'a timestamp 301 s old',
      () => signWebhook(secret, body(), { timestamp: Math.floor(Date.now() / 1000) - 301 }),
    ],
    [
      // 305, not 301: the hub's clock may pass a second boundary (or a few, on a busy machine)
      // between signing and checking, which brings a timestamp ahead closer to the tolerance.
      'a timestamp 305 s ahead',
      () => signWebhook(secret, body(), { timestamp: Math.floor(Date.now() / 1000) + 305 }),
    ],
    [
      'another secret',
      () => signWebhook('whsec_' + Buffer.from('someone else entirely').toString('base64'), body()),
    ],
  ])('refuses %s with 401 and stores nothing', async (_case, headers) => {
    const before = await db.query('SELECT count(*)::int AS n FROM receipt');
    const res = await post(body(), headers()).expect(401);
    expect(res.body).toEqual({ error: 'signature_invalid', message: expect.any(String), details: [] });
    const after = await db.query('SELECT count(*)::int AS n FROM receipt');
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });

  it('answers 404 for an unknown source', async () => {
    const res = await post(body(), signWebhook(secret, body()), 'no-such-source').expect(404);
    expect(res.body.error).toBe('not_found');
  });

  it('answers 413 past the source body limit', async () => {
    const payload = body(100);
    expect(Buffer.byteLength(payload)).toBeGreaterThan(4096);
    const res = await post(payload, signWebhook(secret, payload)).expect(413);
    expect(res.body.error).toBe('payload_too_large');
  });

  it.each([['text/csv'], ['application/xml'], ['application/json; charset=iso-8859-1']])(
    'answers 415 for Content-Type %s',
    async (type) => {
      const payload = body();
      const res = await post(payload, { ...signWebhook(secret, payload), 'Content-Type': type }).expect(415);
      expect(res.body.error).toBe('unsupported_media_type');
    },
  );

  it('answers 400 naming line and column for malformed JSON, and stores nothing', async () => {
    const payload = '{"products": [\n  {"gtin": "8935049500018",}\n]}';
    const res = await post(payload, signWebhook(secret, payload)).expect(400);
    expect(res.body.error).toBe('malformed_body');
    expect(res.body.message).toMatch(/line 2/i);
  });

  it('keeps the receipt even when Redis cannot take the job, and the sweeper queues it later', async () => {
    const payload = body();
    await ingest.pause();
    // Simulate "stored but never queued" (the enqueue failed): clear queued_at after intake.
    const res = await post(payload, signWebhook(secret, payload)).expect(202);
    await (await ingest.getJob(`receipt.${res.body.receiptId}`))?.remove();
    await db.query(
      "UPDATE receipt SET queued_at = NULL, status = 'stored', received_at = now() - interval '1 minute' WHERE id = $1",
      [res.body.receiptId],
    );
    const { ReceiptsService } = await import('@txng/connectors');
    const swept = await hub.app.get(ReceiptsService).sweep();
    expect(swept).toBeGreaterThanOrEqual(1);
    const requeued = await ingest.getJob(`receipt.${res.body.receiptId}`);
    expect({ name: requeued?.name, data: requeued?.data }).toEqual({
      name: 'process-receipt',
      data: { receiptId: res.body.receiptId },
    });
    const row = await db.query('SELECT queued_at FROM receipt WHERE id = $1', [res.body.receiptId]);
    expect(row.rows[0].queued_at).toBeInstanceOf(Date);
    await ingest.resume();
  });

  it('refuses a paused source with 409 until it is resumed', async () => {
    await admin(hub.url).post(`/v1/admin/sources/${JSON_SOURCE.key}/pause`).expect(200);
    const payload = body();
    const res = await post(payload, signWebhook(secret, payload)).expect(409);
    expect(res.body.message).toMatch(/paused/);
    await admin(hub.url).post(`/v1/admin/sources/${JSON_SOURCE.key}/resume`).expect(200);
    await post(payload, signWebhook(secret, payload)).expect(202);
  });

  it('keeps the previous secret valid after rotation, and accepts the new one', async () => {
    const rotated = await admin(hub.url)
      .post(`/v1/admin/sources/${JSON_SOURCE.key}/rotate-secret`)
      .expect(200);
    const fresh = rotated.body.webhookSecret as string;
    expect(fresh).toMatch(/^whsec_/);
    expect(fresh).not.toBe(secret);
    const payload = body();
    await post(payload, signWebhook(secret, payload)).expect(202);
    await post(payload, signWebhook(fresh, payload)).expect(202);
  });
});

describe('webhook rate limit', () => {
  jest.setTimeout(90_000);
  let hub: GatewayHarness;
  let secret: string;

  beforeAll(async () => {
    hub = await startGateway();
    secret = await createActiveSource(hub.url, { ...JSON_SOURCE, rateLimitPerMinute: 2 });
  });
  afterAll(async () => {
    await hub?.close();
  });

  it('answers 429 with Retry-After past the limit, but still replays known webhook-ids', async () => {
    const send = (headers: Record<string, string>, payload: string) =>
      request(hub.url)
        .post(`/v1/webhooks/${JSON_SOURCE.key}`)
        .set({ 'Content-Type': 'application/json', ...headers })
        .send(payload);
    // The limit is a fixed one-minute window: start well inside one so the three calls share it.
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 55_000) await new Promise((r) => setTimeout(r, 60_500 - intoMinute));
    const payload = body();
    const first = signWebhook(secret, payload);
    await send(first, payload).expect(202);
    await send(signWebhook(secret, payload), payload).expect(202);
    const limited = await send(signWebhook(secret, payload), payload).expect(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(limited.body.error).toBe('rate_limited');
    await send(first, payload).expect(202);

    // Every outcome is counted by source; a key that names no source is not a label.
    await request(hub.url)
      .post('/v1/webhooks/no-such-source-x')
      .set({ 'Content-Type': 'application/json', ...signWebhook(secret, payload) })
      .send(payload)
      .expect(404);
    const metrics = (await request(hub.url).get('/metrics').expect(200)).text;
    const count = (labels: string) =>
      Number(new RegExp(`txng_ingest_webhooks_total\\{${labels}[^}]*\\} (\\d+)`).exec(metrics)?.[1] ?? 0);
    expect(count(`source="${JSON_SOURCE.key}",outcome="accepted"`)).toBe(2);
    expect(count(`source="${JSON_SOURCE.key}",outcome="replayed"`)).toBe(1);
    expect(count(`source="${JSON_SOURCE.key}",outcome="rate_limited"`)).toBe(1);
    expect(count('source="\\(unknown\\)",outcome="not_found"')).toBe(1);
    expect(metrics).not.toContain('no-such-source-x');
    expect(metrics).toMatch(/txng_ingest_records_total\{source="[^"]+",origin="webhook"[^}]*\} 2/);
  });

  it('a replay within the budget spends none of it', async () => {
    const key = 'replay-budget-test';
    const own = await createActiveSource(hub.url, { ...JSON_SOURCE, key, rateLimitPerMinute: 2 });
    const send = (headers: Record<string, string>, payload: string) =>
      request(hub.url)
        .post(`/v1/webhooks/${key}`)
        .set({ 'Content-Type': 'application/json', ...headers })
        .send(payload);
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 55_000) await new Promise((r) => setTimeout(r, 60_500 - intoMinute));
    const payload = body();
    const first = signWebhook(own, payload);
    const stored = await send(first, payload).expect(202);
    for (let i = 0; i < 3; i++) {
      const again = await send(first, payload).expect(202);
      expect(again.headers['webhook-replayed']).toBe('true');
      expect(again.body.receiptId).toBe(stored.body.receiptId);
    }
    // Three replays later, the second of the two a minute is still free.
    await send(signWebhook(own, payload), payload).expect(202);
    await send(signWebhook(own, payload), payload).expect(429);
  });
});
