import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type INestApplication } from '@nestjs/common';
import { Worker } from 'bullmq';
import request from 'supertest';
import { migrateDatabase } from '@txng/persistence';
import { redisConnectionOptions } from '@txng/queues';
import { createGateway } from '../../apps/gateway/src/create-gateway';
import { admin } from '../support/admin-client';
import { startGateway, type GatewayHarness } from '../support/gateway-harness';
import { createTestEnv, type TestEnv } from '../support/test-env';
import { waitForQueuesToDrain } from '../support/wait-for-queues';
import { signWebhook } from '../support/webhook-signer';

const passThrough = (key: string, provinceCode: string) => ({
  key,
  provinceCode,
  name: `Nguồn kiểm thử ${key}`,
  kind: 'webhook',
  format: 'json',
  rateLimitPerMinute: 100000,
  mapping: { language: 'jsonata', expression: '$' },
});

async function tokenFor(
  url: string,
  role: 'viewer' | 'operator' | 'admin',
): Promise<{ id: string; token: string }> {
  const res = await admin(url)
    .post('/v1/admin/tokens', { name: `kiểm thử ${role}`, role })
    .expect(201);
  return { id: res.body.id as string, token: res.body.token as string };
}

describe('admin API for the web interface: overview, search, whoami (real PostgreSQL and Redis)', () => {
  let hub: GatewayHarness;
  let secret: string;
  let viewer: string;
  const WEBHOOK_ID = 'msg_admin_api_search_1';

  beforeAll(async () => {
    hub = await startGateway({ withWorkers: true });
    const created = await admin(hub.url)
      .post('/v1/admin/sources', passThrough('ui-can-tho', '92'))
      .expect(201);
    secret = created.body.webhookSecret as string;
    await admin(hub.url).post('/v1/admin/sources/ui-can-tho/activate').expect(200);
    viewer = (await tokenFor(hub.url, 'viewer')).token;
    const body = JSON.stringify({
      organizations: [{ taxCode: '0301234567', name: 'HTX Nông nghiệp Thới Lai', provinceCode: '92' }],
      products: [
        {
          gtin: '8935049500018',
          name: 'Gạo ST25',
          ownerTaxCode: '0301234567',
          netContent: { value: 5, uom: 'KGM' },
        },
        // Wrong check digit: quarantined.
        {
          gtin: '8935049500019',
          name: 'Gạo sai mã',
          ownerTaxCode: '0301234567',
          netContent: { value: 5, uom: 'KGM' },
        },
      ],
      lots: [{ gtin: '08935049500018', lot: 'LOCT2025', producerTaxCode: '0301234567' }],
    });
    await request(hub.url)
      .post('/v1/webhooks/ui-can-tho')
      .set({ 'Content-Type': 'application/json', ...signWebhook(secret, body, { id: WEBHOOK_ID }) })
      .send(body)
      .expect(202);
    await waitForQueuesToDrain([hub.queue('ingest')], { timeoutMs: 30_000 });
  });
  afterAll(async () => {
    await hub?.close();
  });

  it('whoami answers the name and role of the token, 401 without one', async () => {
    expect((await admin(hub.url).get('/v1/admin/whoami').expect(200)).body).toEqual({
      name: 'HUB_ADMIN_TOKEN',
      role: 'admin',
      provinces: null,
    });
    expect((await admin(hub.url, viewer).get('/v1/admin/whoami').expect(200)).body).toEqual({
      name: 'kiểm thử viewer',
      role: 'viewer',
      provinces: null,
    });
    await request(hub.url).get('/v1/admin/whoami').expect(401);
    await admin(hub.url, 'no-such-token').get('/v1/admin/whoami').expect(401);
  });

  it('overview counts per province and source from the database, for viewers', async () => {
    await request(hub.url).get('/v1/admin/overview').expect(401);
    const res = await admin(hub.url, viewer).get('/v1/admin/overview').expect(200);
    expect(res.body.provinces).toHaveLength(1);
    const province = res.body.provinces[0];
    expect(province).toMatchObject({ code: '92', name: 'Thành phố Cần Thơ', reconciliation: null });
    const source = province.sources[0];
    expect(source).toMatchObject({ key: 'ui-can-tho', stage: 'active', kind: 'webhook', health: 'healthy' });
    expect(source.lastReceiptAt).not.toBeNull();
    expect(source.counts.quarantined).toBe(1);
    // Three accepted (organization, product, lot): ready or already handled by sync.
    const c = source.counts;
    expect(c.ready + c.synced + c.failed + c.rejected).toBe(3);
    expect(source.sync.available).toBe(true);
    expect(source.sync.pending).toBe(c.ready);
    // 4 versions in the last 5 minutes.
    expect(source.recordsPerMinute).toBeCloseTo(0.8, 5);
    expect(res.body.totals.quarantined).toBe(1);
  });

  it('overview shows the latest reconciliation run of the province', async () => {
    const db = await hub.db();
    await db.query(
      `INSERT INTO reconciliation_run (province_code, target, started_at, finished_at, agreed, differing, repaired)
       VALUES ('92', 'production', now() - interval '2 hours', now() - interval '2 hours', true, '[]', 0),
              ('92', 'production', now() - interval '1 minute', now(), false, '[{"kind":"product","key":"gtin:1"}]', 1)`,
    );
    const res = await admin(hub.url, viewer).get('/v1/admin/overview').expect(200);
    expect(res.body.provinces[0].reconciliation).toMatchObject({
      target: 'production',
      agreed: false,
      differing: 1,
      repaired: 1,
      error: null,
    });
  });

  it.each([
    [
      'a GTIN-13 (as the product key and the prefix of its lots)',
      '8935049500018',
      ['product:gtin:08935049500018', 'lot:lot:08935049500018/LOCT2025'],
    ],
    ['a record key', 'gtin:08935049500018', ['product:gtin:08935049500018']],
    ['a lot number (a data field)', 'LOCT2025', ['lot:lot:08935049500018/LOCT2025']],
    [
      'a tax code (key and owner/producer fields)',
      '0301234567',
      ['organization:org:0301234567', 'product:gtin:08935049500018', 'lot:lot:08935049500018/LOCT2025'],
    ],
  ])('search finds records by %s', async (_what, q, expected) => {
    const res = await admin(hub.url, viewer)
      .get(`/v1/admin/search?q=${encodeURIComponent(q)}`)
      .expect(200);
    const found = (res.body.items as Array<{ kind: string; key: string }>).map((i) => `${i.kind}:${i.key}`);
    for (const e of expected) expect(found).toContain(e);
  });

  it('search by webhook-id finds every record of that delivery and the receipt', async () => {
    const res = await admin(hub.url, viewer).get(`/v1/admin/search?q=${WEBHOOK_ID}`).expect(200);
    expect(res.body.items).toHaveLength(4); // organization, two products (one quarantined), lot
    expect(res.body.items.every((i: { matchedBy: string[] }) => i.matchedBy.includes('webhook-id'))).toBe(
      true,
    );
    expect(res.body.receipts).toEqual([
      expect.objectContaining({ webhookId: WEBHOOK_ID, source: 'ui-can-tho' }),
    ]);
    const quarantined = res.body.items.find((i: { status: string }) => i.status === 'quarantined');
    expect(quarantined).toMatchObject({ kind: 'product', version: null });
    // Each hit carries its province (the source's here: a quarantined product has no record row).
    expect(res.body.items.every((i: { provinceCode: string }) => i.provinceCode === '92')).toBe(true);
  });

  it('search answers nothing for an unknown value and 400 for a query too short or too long', async () => {
    const res = await admin(hub.url, viewer).get('/v1/admin/search?q=8930000000000').expect(200);
    expect(res.body).toMatchObject({ query: '8930000000000', items: [], receipts: [], best: null, groups: [] });
    await admin(hub.url, viewer).get('/v1/admin/search?q=x').expect(400);
    await admin(hub.url, viewer)
      .get(`/v1/admin/search?q=${'9'.repeat(301)}`)
      .expect(400);
    await admin(hub.url, viewer).get('/v1/admin/search').expect(400);
    // LIKE wildcards in the query are taken literally.
    expect((await admin(hub.url, viewer).get('/v1/admin/search?q=%25%25').expect(200)).body.items).toEqual(
      [],
    );
  });
});

describe('queue actions and the bull-board session (real Redis)', () => {
  let hub: GatewayHarness;
  let viewer: string;
  let operator: { id: string; token: string };

  beforeAll(async () => {
    hub = await startGateway({ withWorkers: false });
    viewer = (await tokenFor(hub.url, 'viewer')).token;
    operator = await tokenFor(hub.url, 'operator');
  });
  afterAll(async () => {
    await hub?.close();
  });

  it('pauses and resumes a queue (operator, audited); viewers get 403, unknown queues 404', async () => {
    await admin(hub.url, viewer).post('/v1/admin/queues/ingest/pause').expect(403);
    await admin(hub.url, operator.token).post('/v1/admin/queues/nope/pause').expect(404);
    const paused = await admin(hub.url, operator.token).post('/v1/admin/queues/ingest/pause').expect(200);
    expect(paused.body).toMatchObject({ name: 'ingest', paused: true });
    expect(await hub.queue('ingest').isPaused()).toBe(true);
    const list = await admin(hub.url, viewer).get('/v1/admin/queues').expect(200);
    expect(list.body.items.find((q: { name: string }) => q.name === 'ingest').paused).toBe(true);
    await admin(hub.url, operator.token).post('/v1/admin/queues/ingest/resume').expect(200);
    expect(await hub.queue('ingest').isPaused()).toBe(false);
    const audit = await admin(hub.url).get('/v1/admin/audit').expect(200);
    const actions = audit.body.items.map(
      (e: { action: string; target: string; actor: string }) => `${e.action} ${e.target} ${e.actor}`,
    );
    expect(actions).toEqual(
      expect.arrayContaining([
        `queue.pause ingest token:${operator.id}`,
        `queue.resume ingest token:${operator.id}`,
      ]),
    );
  });

  it('retry-failed moves failed jobs back to waiting and says how many', async () => {
    const queue = hub.queue('maintenance');
    const worker = new Worker(
      'maintenance',
      () => {
        throw new Error('deliberate failure');
      },
      { connection: redisConnectionOptions(hub.env.config.redisUrl), prefix: `${hub.env.redisPrefix}:bull` },
    );
    const failed = new Promise<void>((resolve) => {
      let n = 0;
      worker.on('failed', () => ++n === 2 && resolve());
    });
    await queue.add('x', {}, { attempts: 1 });
    await queue.add('y', {}, { attempts: 1 });
    await failed;
    await worker.close();
    expect(await queue.getFailedCount()).toBe(2);
    const res = await admin(hub.url, operator.token)
      .post('/v1/admin/queues/maintenance/retry-failed')
      .expect(200);
    expect(res.body).toMatchObject({ name: 'maintenance', retried: 2, failed: 0, waiting: 2 });
    const audit = await admin(hub.url).get('/v1/admin/audit').expect(200);
    expect(audit.body.items[0]).toMatchObject({
      action: 'queue.retry-failed',
      target: 'maintenance',
      details: { retried: 2 },
    });
  });

  it('POST /v1/admin/session sets an HttpOnly SameSite=Strict cookie for the board only; viewers get 403', async () => {
    await request(hub.url).post('/v1/admin/session').expect(401);
    await admin(hub.url, viewer).post('/v1/admin/session').expect(403);
    const res = await admin(hub.url, operator.token).post('/v1/admin/session').expect(200);
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(
      /^txng_board=[^;]+; Path=\/admin\/queues\/board; Max-Age=28800; HttpOnly; SameSite=Strict$/,
    );
    expect(cookie).not.toContain(operator.token);
  });

  it('bull-board answers 401 without a session, 403 for a viewer, and opens with the cookie', async () => {
    await request(hub.url).get('/admin/queues/board').expect(401);
    await request(hub.url).get('/admin/queues/board/api/queues').expect(401);
    await request(hub.url).get('/admin/queues/board').set('Cookie', 'txng_board=forged.value').expect(401);
    await request(hub.url).get('/admin/queues/board').set('Authorization', `Bearer ${viewer}`).expect(403);

    const session = await admin(hub.url, operator.token).post('/v1/admin/session').expect(200);
    const cookie = String(session.headers['set-cookie']).split(';')[0];
    const page = await request(hub.url).get('/admin/queues/board').set('Cookie', cookie).expect(200);
    expect(page.headers['content-type']).toMatch(/html/);
    expect(page.headers['x-frame-options']).toBe('DENY');
    const api = await request(hub.url)
      .get('/admin/queues/board/api/queues')
      .set('Cookie', cookie)
      .expect(200);
    expect(api.body.queues.map((q: { name: string }) => q.name).sort()).toEqual([
      'callbacks',
      'ingest',
      'maintenance',
      'poll',
      'reconcile',
      'sync',
    ]);
    // A tampered cookie is refused.
    const [name, value] = cookie.split('=');
    const tampered = `${name}=${value.slice(0, -2)}${value.endsWith('AA') ? 'BB' : 'AA'}`;
    await request(hub.url).get('/admin/queues/board').set('Cookie', tampered).expect(401);
  });

  it('the cookie is no credential for the API, and dies with its token', async () => {
    const session = await admin(hub.url, operator.token).post('/v1/admin/session').expect(200);
    const cookie = String(session.headers['set-cookie']).split(';')[0];
    await request(hub.url).get('/v1/admin/whoami').set('Cookie', cookie).expect(401);
    await request(hub.url).post('/v1/admin/queues/ingest/pause').set('Cookie', cookie).expect(401);
    await admin(hub.url).delete(`/v1/admin/tokens/${operator.id}`).expect(204);
    await request(hub.url).get('/admin/queues/board').set('Cookie', cookie).expect(401);
  });
});

describe('the admin UI files', () => {
  let env: TestEnv;
  let built: string;
  const apps: INestApplication[] = [];

  async function start(adminUiDir: string): Promise<string> {
    const app = await createGateway(env.config, { withWorkers: false, adminUiDir });
    await app.listen(0, '127.0.0.1');
    apps.push(app);
    return `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  }

  beforeAll(async () => {
    env = await createTestEnv();
    await migrateDatabase(env.databaseUrl);
    built = mkdtempSync(join(tmpdir(), 'txng-admin-ui-'));
    mkdirSync(join(built, 'assets'));
    writeFileSync(join(built, 'index.html'), '<!doctype html><title>txng</title><div id="root"></div>');
    writeFileSync(join(built, 'assets', 'index-abc123.js'), 'console.log(1)');
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    rmSync(built, { recursive: true, force: true });
    await env.dispose();
  });

  it('serves the app without a token, with security headers, and falls back to index.html', async () => {
    const url = await start(built);
    for (const path of ['/admin', '/admin/', '/admin/records/product/gtin%3A08935049500018']) {
      const res = await request(url).get(path).expect(200);
      expect(res.text).toContain('<div id="root">');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
      expect(res.headers['content-security-policy']).toContain("script-src 'self';");
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
    }
    const asset = await request(url).get('/admin/assets/index-abc123.js').expect(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    await request(url).get('/admin/assets/missing.js').expect(404);
    // The API still needs its token.
    await request(url).get('/v1/admin/overview').expect(401);
  });

  it('answers 503 with a page that says how to build when the UI was not built', async () => {
    const url = await start(join(built, 'nothing-here'));
    const res = await request(url).get('/admin/overview').expect(503);
    expect(res.text).toContain('vite build --config apps/admin-ui/vite.config.ts');
    expect(res.headers['x-frame-options']).toBe('DENY');
  });
});
