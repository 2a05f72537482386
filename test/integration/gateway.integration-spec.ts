import request from 'supertest';
import { PORTAL_PROBE_CACHE_MS } from '../../apps/gateway/src/health/health.controller';
import { type RunningPortalSim } from '../../apps/portal-sim/src/create-portal-sim';
import { admin } from '../support/admin-client';
import { startGateway, type GatewayHarness } from '../support/gateway-harness';
import { simAdmin, startSim } from '../support/portal-sim';

describe('gateway foundation (real PostgreSQL and Redis)', () => {
  let hub: GatewayHarness;

  beforeAll(async () => {
    hub = await startGateway();
  });
  afterAll(async () => {
    await hub?.close();
  });

  it('is ready when PostgreSQL and Redis answer', async () => {
    const res = await request(hub.url).get('/health/ready').expect(200);
    expect(res.body.status).toBe('ok');
    expect(res.body.details).toEqual({ postgres: { status: 'up' }, redis: { status: 'up' } });
  });

  it('answers liveness without touching dependencies', async () => {
    await request(hub.url).get('/health/live').expect(200, { status: 'ok' });
  });

  it('exposes Prometheus metrics with queue depths and HTTP latency', async () => {
    await request(hub.url).get('/health/live');
    const res = await request(hub.url).get('/metrics').expect(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.text).toContain('txng_queue_jobs{queue="ingest",state="waiting"');
    expect(res.text).toMatch(
      /txng_http_request_duration_seconds_count\{[^}]*method="GET",route="\/health\/live",status="200"/,
    );
  });

  it('describes its API as OpenAPI at /docs', async () => {
    const res = await request(hub.url).get('/docs/openapi.json').expect(200);
    expect(res.body.openapi).toMatch(/^3\./);
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(['/health/live', '/health/ready']));
    await request(hub.url).get('/docs').expect(200);
  });

  it('answers unknown routes with the coded error body', async () => {
    const res = await request(hub.url).get('/v1/nothing-here').expect(404);
    expect(res.body).toEqual({
      error: 'not_found',
      message: expect.stringContaining('/v1/nothing-here'),
      details: [],
    });
  });

  it('answers a malformed JSON body with a 400 coded error', async () => {
    const res = await request(hub.url)
      .post('/health/live')
      .set('Content-Type', 'application/json')
      .send('{"broken":')
      .expect(400);
    expect(res.body.error).toBe('bad_request');
    expect(typeof res.body.message).toBe('string');
  });
});

describe('gateway readiness without Redis', () => {
  let hub: GatewayHarness;

  beforeAll(async () => {
    // Nothing listens on port 1: Redis is unreachable while PostgreSQL is fine.
    hub = await startGateway({ env: { REDIS_URL: 'redis://127.0.0.1:1' } });
  });
  afterAll(async () => {
    await hub?.close();
  });

  it('reports 503 and names Redis as the failing dependency', async () => {
    const res = await request(hub.url).get('/health/ready').expect(503);
    expect(res.body.details.postgres.status).toBe('up');
    expect(res.body.details.redis.status).toBe('down');
  });

  it('stays live', async () => {
    await request(hub.url).get('/health/live').expect(200);
  });
});

describe('portal health (real PostgreSQL, Redis and portal simulator)', () => {
  let sim: RunningPortalSim;
  let hub: GatewayHarness;

  beforeAll(async () => {
    sim = await startSim();
    hub = await startGateway({ env: { PORTAL_BASE_URL: sim.url } });
  });
  afterAll(async () => {
    await hub?.close();
    await sim?.close();
  });

  it('says whether the portal answers with our credentials, without touching readiness', async () => {
    await request(hub.url).get('/health/portal').expect(401);
    const up = await admin(hub.url).get('/health/portal').expect(200);
    expect(up.body).toMatchObject({ production: { reachable: true, breaker: 'closed' }, sandbox: null });

    await simAdmin(sim).faults({ outage: true });
    try {
      // The answer above is reused for PORTAL_PROBE_CACHE_MS (the portal is probed at most that often).
      await new Promise((r) => setTimeout(r, PORTAL_PROBE_CACHE_MS));
      const down = await admin(hub.url).get('/health/portal').expect(200);
      expect(down.body.production).toMatchObject({ reachable: false, error: expect.any(String) });
      await request(hub.url).get('/health/ready').expect(200);
    } finally {
      await simAdmin(sim).faults({ clear: true });
    }
  });
});
