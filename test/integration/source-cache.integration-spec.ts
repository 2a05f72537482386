import request from 'supertest';
import { HUB_CONFIG, type HubConfig, REDIS_CLIENT } from '@txng/common';
import { SOURCE_STORE, SourceCache, type SourceStore } from '@txng/connectors';
import type Redis from 'ioredis';
import { admin, createActiveSource, JSON_SOURCE } from '../support/admin-client';
import { startGateway, type GatewayHarness } from '../support/gateway-harness';
import { RoundTripCounter } from '../support/round-trip-counter';
import { signWebhook } from '../support/webhook-signer';

const until = async (what: () => Promise<boolean>, ms = 2000): Promise<number> => {
  const started = Date.now();
  while (Date.now() - started < ms) {
    if (await what()) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`not within ${ms} ms`);
};

/**
 * The source's definition in memory (docs/ingest.md): read once, not per webhook, and forgotten by
 * every process as soon as any process changes the source. "Another process" here is a second
 * SourceCache on the same database and Redis prefix, as a second gateway or a worker has.
 */
describe('source definitions in memory (real PostgreSQL and Redis)', () => {
  let hub: GatewayHarness;
  let secret: string;
  let other: SourceCache;

  const send = () => {
    const payload = JSON.stringify({
      products: [{ gtin: '8935049500018', name: 'Gạo', owner: '0301234567', kg: 5 }],
    });
    return request(hub.url)
      .post(`/v1/webhooks/${JSON_SOURCE.key}`)
      .set({ 'Content-Type': 'application/json', ...signWebhook(secret, payload) })
      .send(payload);
  };

  beforeAll(async () => {
    hub = await startGateway();
    secret = await createActiveSource(hub.url, { ...JSON_SOURCE, rateLimitPerMinute: 10_000 });
    other = new SourceCache(
      hub.app.get<SourceStore>(SOURCE_STORE),
      hub.app.get<Redis>(REDIS_CLIENT),
      hub.app.get<HubConfig>(HUB_CONFIG),
    );
  });
  afterAll(async () => {
    await other?.onApplicationShutdown();
    await hub?.close();
  });

  it('reads a source once, then from memory', async () => {
    await until(async () => (await other.findAny(JSON_SOURCE.key)) !== null && other['listening']);
    await other.findAny(JSON_SOURCE.key);
    const counter = new RoundTripCounter().start();
    const twice = [await other.findAny(JSON_SOURCE.key), await other.findAny(JSON_SOURCE.key)];
    counter.stop();
    expect(twice[0]?.stage).toBe('active');
    expect(twice[1]).toBe(twice[0]);
    expect(counter.sql.total).toBe(0);
  });

  it('a pause in one process is seen by another at once, and its webhooks are refused', async () => {
    await send().expect(202);
    expect((await other.findAny(JSON_SOURCE.key))?.stage).toBe('active');
    await admin(hub.url).post(`/v1/admin/sources/${JSON_SOURCE.key}/pause`).expect(200);
    // The process that paused it refuses the very next webhook.
    const refused = await send().expect(409);
    expect(refused.body.message).toMatch(/paused/);
    // The other process hears of it well within the TTL it would otherwise wait for.
    const heard = await until(async () => (await other.findAny(JSON_SOURCE.key))?.stage === 'paused', 1000);
    expect(heard).toBeLessThan(1000);
    await admin(hub.url).post(`/v1/admin/sources/${JSON_SOURCE.key}/resume`).expect(200);
    await send().expect(202);
    await until(async () => (await other.findAny(JSON_SOURCE.key))?.stage === 'active', 1000);
  });

  it('a rotated secret and a changed limit are used by the next webhook', async () => {
    const rotated = await admin(hub.url)
      .post(`/v1/admin/sources/${JSON_SOURCE.key}/rotate-secret`)
      .expect(200);
    const payload = '{"products":[]}';
    // The old secret stays valid for its grace period; the new one works at once.
    await request(hub.url)
      .post(`/v1/webhooks/${JSON_SOURCE.key}`)
      .set({
        'Content-Type': 'application/json',
        ...signWebhook(rotated.body.webhookSecret as string, payload),
      })
      .send(payload)
      .expect(202);
    await admin(hub.url).patch(`/v1/admin/sources/${JSON_SOURCE.key}`, { maxBodyBytes: 1024 }).expect(200);
    const big = JSON.stringify({ products: [], note: 'x'.repeat(2048) });
    await request(hub.url)
      .post(`/v1/webhooks/${JSON_SOURCE.key}`)
      .set({ 'Content-Type': 'application/json', ...signWebhook(rotated.body.webhookSecret as string, big) })
      .send(big)
      .expect(413);
    await admin(hub.url).patch(`/v1/admin/sources/${JSON_SOURCE.key}`, { maxBodyBytes: 4096 }).expect(200);
    await send().expect(202);
  });

  it('a deleted source is refused as unknown', async () => {
    await createActiveSource(hub.url, { ...JSON_SOURCE, key: 'cache-delete-me' });
    expect((await other.findAny('cache-delete-me'))?.deletedAt).toBeNull();
    await admin(hub.url).delete('/v1/admin/sources/cache-delete-me').expect(204);
    await until(async () => (await other.findAny('cache-delete-me'))?.deletedAt != null, 1000);
    const payload = '{"products":[]}';
    await request(hub.url)
      .post('/v1/webhooks/cache-delete-me')
      .set({ 'Content-Type': 'application/json', ...signWebhook(secret, payload) })
      .send(payload)
      .expect(404);
  });

  it('without its subscription a process reads PostgreSQL every time', async () => {
    const lone = new SourceCache(hub.app.get<SourceStore>(SOURCE_STORE), hub.app.get<Redis>(REDIS_CLIENT), {
      ...hub.app.get<HubConfig>(HUB_CONFIG),
      redisUrl: 'redis://127.0.0.1:9',
    });
    try {
      const counter = new RoundTripCounter().start();
      await lone.findAny(JSON_SOURCE.key);
      await lone.findAny(JSON_SOURCE.key);
      counter.stop();
      expect(counter.sql.total).toBe(2);
    } finally {
      await lone.onApplicationShutdown();
    }
  });
});
