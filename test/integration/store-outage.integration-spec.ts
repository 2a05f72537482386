import { type INestApplication } from '@nestjs/common';
import { migrateDatabase } from '@txng/persistence';
import request, { type Response } from 'supertest';
import { createGateway } from '../../apps/gateway/src/create-gateway';
import { admin, createActiveSource, createToken } from '../support/admin-client';
import { listenOnLoopback } from '../support/hub-handles';
import { eventually } from '../support/sync-harness';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { createTestEnv, type TestEnv } from '../support/test-env';
import { passThroughSource, sendWebhook } from '../support/webhook-sources';
import { signWebhook } from '../support/webhook-signer';

/** 503, a Retry-After in seconds, and the contract's error body. */
function expectUnavailable(res: Response): void {
  expect(res.status).toBe(503);
  expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  expect(res.body).toEqual({ error: 'service_unavailable', message: expect.any(String), details: [] });
  expect(res.body.message).toMatch(/\(PostgreSQL or Redis\) is unreachable right now/);
}

describe('PostgreSQL unreachable: intake and operator API answer 503 with Retry-After, then recover', () => {
  let env: TestEnv;
  let proxy: TcpProxy;
  let app: INestApplication;
  let url: string;
  let secret: string;
  let operator: string;

  beforeAll(async () => {
    env = await createTestEnv();
    await migrateDatabase(env.databaseUrl);
    const db = new URL(env.databaseUrl);
    proxy = await startTcpProxy({ host: db.hostname, port: Number(db.port || 5432) });
    app = await createGateway(
      { ...env.config, databaseUrl: proxy.through(env.databaseUrl) },
      { withWorkers: false },
    );
    url = await listenOnLoopback(app);
    secret = await createActiveSource(url, passThroughSource('pg-down'));
    operator = (await createToken(url, 'operator')).token;
  });
  afterAll(async () => {
    await proxy?.restore();
    await app?.close();
    await proxy?.close();
    await env?.dispose();
  });

  const organizations = [{ taxCode: '0311112222', name: 'HTX Mất kết nối', provinceCode: '92' }];

  it('while it is down, and again once it is back', async () => {
    await sendWebhook(url, 'pg-down', secret, { organizations });
    await proxy.cut();

    const raw = JSON.stringify({ organizations });
    const headers = { 'Content-Type': 'application/json', ...signWebhook(secret, raw, { id: 'pg-down-1' }) };
    expectUnavailable(await request(url).post('/v1/webhooks/pg-down').set(headers).send(raw));
    expectUnavailable(await admin(url).get('/v1/admin/sources'));
    // A stored token is checked against the database before anything else.
    expectUnavailable(await admin(url, operator).get('/v1/admin/records'));
    await request(url).get('/health/ready').expect(503);

    await proxy.restore();
    // The same delivery again, once the pool has reconnected: stored once.
    const accepted = await eventually(async () => {
      const res = await request(url).post('/v1/webhooks/pg-down').set(headers).send(raw);
      return res.status === 202 ? res : null;
    }, 20_000);
    expect(accepted.body).toMatchObject({ records: 1 });
    await admin(url, operator).get('/v1/admin/records').expect(200);
  });
});

describe('Redis unreachable: intake answers 503 with Retry-After instead of 500, then recovers', () => {
  let env: TestEnv;
  let proxy: TcpProxy;
  let app: INestApplication;
  let url: string;
  let secret: string;

  beforeAll(async () => {
    env = await createTestEnv();
    await migrateDatabase(env.databaseUrl);
    const redis = new URL(env.config.redisUrl);
    proxy = await startTcpProxy({ host: redis.hostname, port: Number(redis.port || 6379) });
    app = await createGateway(
      { ...env.config, redisUrl: proxy.through(env.config.redisUrl) },
      { withWorkers: false },
    );
    url = await listenOnLoopback(app);
    secret = await createActiveSource(url, passThroughSource('redis-down'));
  });
  afterAll(async () => {
    await proxy?.restore();
    await app?.close();
    await proxy?.close();
    await env?.dispose();
  });

  it('while it is down, and again once it is back', async () => {
    const organizations = [{ taxCode: '0311113333', name: 'HTX Mất Redis', provinceCode: '92' }];
    await sendWebhook(url, 'redis-down', secret, { organizations });
    await proxy.cut();

    const raw = JSON.stringify({ organizations });
    const headers = {
      'Content-Type': 'application/json',
      ...signWebhook(secret, raw, { id: 'redis-down-1' }),
    };
    // The source's rate-limit window cannot be checked: nothing is stored, the province retries.
    for (let attempt = 0; attempt < 3; attempt++) {
      expectUnavailable(await request(url).post('/v1/webhooks/redis-down').set(headers).send(raw));
      await new Promise((resolve) => setTimeout(resolve, 300));
    }

    await proxy.restore();
    const accepted = await eventually(async () => {
      const res = await request(url).post('/v1/webhooks/redis-down').set(headers).send(raw);
      return res.status === 202 ? res : null;
    }, 20_000);
    expect(accepted.body).toMatchObject({ records: 1 });
  });
});
