import { type Client } from 'pg';
import request from 'supertest';
import { mappingSandbox } from '@txng/mapping';
import { admin, ADMIN_TOKEN, JSON_SOURCE, POLL_SOURCE } from '../support/admin-client';
import { startGateway, type GatewayHarness } from '../support/gateway-harness';
import { FakeProvinceApi } from '../support/fake-province-api';
import { eventually } from '../support/sync-harness';
import { signWebhook } from '../support/webhook-signer';

describe('operator API: tokens, roles, sources, provinces, audit (real PostgreSQL)', () => {
  let hub: GatewayHarness;
  let db: Client;

  beforeAll(async () => {
    hub = await startGateway();
    db = await hub.db();
  });
  afterAll(async () => {
    await hub?.close();
  });

  describe('tokens and roles', () => {
    it('answers 401 without a token and with an unknown one', async () => {
      await request(hub.url).get('/v1/admin/sources').expect(401);
      const res = await request(hub.url)
        .get('/v1/admin/sources')
        .set('Authorization', 'Bearer nope')
        .expect(401);
      expect(res.body.error).toBe('unauthorized');
    });

    it('creates a token shown once, stored only as a hash, honoured by role, and revoked at once', async () => {
      const created = await admin(hub.url)
        .post('/v1/admin/tokens', { name: 'Người xem', role: 'viewer' })
        .expect(201);
      const { id, token } = created.body;
      expect(token).toMatch(/^txng_/);
      const stored = await db.query('SELECT token_hash FROM api_token WHERE id = $1', [id]);
      expect(stored.rows[0].token_hash).not.toContain(token);
      const list = await admin(hub.url).get('/v1/admin/tokens').expect(200);
      expect(JSON.stringify(list.body)).not.toContain(token);

      const viewer = admin(hub.url, token);
      await viewer.get('/v1/admin/sources').expect(200);
      const forbidden = await viewer.post('/v1/admin/sources', JSON_SOURCE).expect(403);
      expect(forbidden.body.error).toBe('forbidden');
      await viewer.post('/v1/admin/tokens', { name: 'x', role: 'admin' }).expect(403);

      await admin(hub.url).delete(`/v1/admin/tokens/${id}`).expect(204);
      await viewer.get('/v1/admin/sources').expect(401);
    });

    it('lets an operator pause but not create sources', async () => {
      const { body } = await admin(hub.url)
        .post('/v1/admin/tokens', { name: 'Vận hành', role: 'operator' })
        .expect(201);
      const operator = admin(hub.url, body.token);
      await operator.post('/v1/admin/sources', { ...JSON_SOURCE, key: 'op-made' }).expect(403);
      await admin(hub.url)
        .post('/v1/admin/sources', { ...JSON_SOURCE, key: 'op-paused' })
        .expect(201);
      await admin(hub.url).post('/v1/admin/sources/op-paused/activate').expect(200);
      await operator.post('/v1/admin/sources/op-paused/pause').expect(200);
    });

    it('refuses a token body with an unknown role', async () => {
      const res = await admin(hub.url).post('/v1/admin/tokens', { name: 'x', role: 'root' }).expect(400);
      expect(res.body.error).toBe('bad_request');
      expect(res.body.details.join(' ')).toMatch(/role/);
    });
  });

  describe('sources', () => {
    it('creates a webhook source in draft, showing its secret once', async () => {
      const res = await admin(hub.url).post('/v1/admin/sources', JSON_SOURCE).expect(201);
      expect(res.body).toMatchObject({
        key: JSON_SOURCE.key,
        stage: 'draft',
        provinceName: 'Thành phố Cần Thơ',
        webhookPath: `/v1/webhooks/${JSON_SOURCE.key}`,
        mapping: { version: 1 },
      });
      expect(res.body.webhookSecret).toMatch(/^whsec_/);
      const again = await admin(hub.url).get(`/v1/admin/sources/${JSON_SOURCE.key}`).expect(200);
      expect(again.body.webhookSecret).toBeUndefined();
      expect(JSON.stringify(again.body)).not.toContain(res.body.webhookSecret);
      // At rest the secret is sealed (AES-256-GCM), never in clear.
      const row = await db.query('SELECT secrets_enc FROM source WHERE key = $1', [JSON_SOURCE.key]);
      expect(row.rows[0].secrets_enc).toMatch(/^v1\./);
      expect(row.rows[0].secrets_enc).not.toContain(res.body.webhookSecret.slice(6, 20));
    });

    it('keeps poll credentials sealed and never returns them', async () => {
      const res = await admin(hub.url).post('/v1/admin/sources', POLL_SOURCE).expect(201);
      expect(JSON.stringify(res.body)).not.toContain('p@ss-Tây-Ninh-123');
      expect(res.body.poll.auth).toEqual({ type: 'basic', username: 'hub' });
      const row = await db.query('SELECT secrets_enc, poll::text AS poll FROM source WHERE key = $1', [
        POLL_SOURCE.key,
      ]);
      expect(row.rows[0].secrets_enc).not.toContain('p@ss');
      expect(row.rows[0].poll).not.toContain('p@ss');
    });

    it('tests a poll connection with one real fetch, storing nothing and naming no secret', async () => {
      const api = await FakeProvinceApi.start();
      try {
        api.records = FakeProvinceApi.makeRecords(3);
        api.auth = { type: 'basic', username: 'hub', password: 'p@ss-Cà-Mau-456' };
        const key = 'ca-mau-poll-test';
        await admin(hub.url)
          .post('/v1/admin/sources', {
            ...POLL_SOURCE,
            key,
            provinceCode: '96',
            poll: {
              ...POLL_SOURCE.poll,
              url: `${api.url}/cursor/records`,
              auth: { type: 'basic', username: 'hub', password: 'p@ss-Cà-Mau-456' },
            },
          })
          .expect(201);
        const ok = await admin(hub.url).post(`/v1/admin/sources/${key}/test-connection`, {}).expect(200);
        expect(ok.body).toMatchObject({ ok: true, status: 200, items: 2, contentType: 'application/json' });
        expect(ok.body.summary).toMatch(/^HTTP 200, \d+ bytes of application\/json, 2 items at "data"$/);
        // Status, timing and counts only: nothing the province's system answered comes back.
        expect(ok.body.sample).toBeUndefined();
        for (const leak of ['r001', api.records[0].name]) expect(JSON.stringify(ok.body)).not.toContain(leak);
        expect(api.recordRequests).toHaveLength(1);
        const audit = await db.query(
          `SELECT actor, details FROM audit_log WHERE action = 'source.test-connection' AND target = $1`,
          [key],
        );
        expect(audit.rows).toEqual([
          { actor: 'bootstrap-admin', details: { url: `${api.url}/cursor/records` } },
        ]);
        const stored = await db.query('SELECT count(*)::int AS n FROM receipt WHERE source_key = $1', [key]);
        expect(stored.rows[0].n).toBe(0);

        api.auth = { type: 'basic', username: 'hub', password: 'another-password' };
        const refused = await admin(hub.url).post(`/v1/admin/sources/${key}/test-connection`, {}).expect(200);
        expect(refused.body).toMatchObject({ ok: false, status: 401 });
        expect(JSON.stringify(refused.body)).not.toContain('p@ss');

        await admin(hub.url)
          .post('/v1/admin/sources', { ...JSON_SOURCE, key: 'ca-mau-webhook-test', provinceCode: '96' })
          .expect(201);
        const webhook = await admin(hub.url).post(
          '/v1/admin/sources/ca-mau-webhook-test/test-connection',
          {},
        );
        expect(webhook.status).toBe(400);
      } finally {
        await api.close();
      }
    });

    it('refuses a poll source whose URL is on a loopback address outside OUTBOUND_ALLOWLIST, at test-connection', async () => {
      const elsewhere = await FakeProvinceApi.start('127.0.0.2');
      try {
        elsewhere.records = FakeProvinceApi.makeRecords(2);
        const key = 'ssrf-loopback-test';
        await admin(hub.url)
          .post('/v1/admin/sources', {
            ...POLL_SOURCE,
            key,
            poll: { ...POLL_SOURCE.poll, url: `${elsewhere.url}/cursor/records` },
          })
          .expect(201);
        const res = await admin(hub.url).post(`/v1/admin/sources/${key}/test-connection`, {}).expect(200);
        expect(res.body).toMatchObject({ ok: false, status: null, items: 0 });
        expect(res.body.error).toMatch(/127\.0\.0\.2:\d+ is a loopback address.*OUTBOUND_ALLOWLIST/);
        expect(elsewhere.requests).toHaveLength(0);
      } finally {
        await elsewhere.close();
      }
    });

    it.each([
      [
        'user:password@ in the poll URL',
        { url: 'http://hub:s3cret@127.0.0.1:9/api/records' },
        '/poll/url',
        /user:password@/,
      ],
      [
        '?token= in the poll URL',
        { url: 'http://127.0.0.1:9/api/records?token=s3cret' },
        '/poll/url',
        /query \(token\)/,
      ],
      [
        '?key= in the poll URL',
        { url: 'http://127.0.0.1:9/api/records?page=1&key=s3cret' },
        '/poll/url',
        /query \(key\)/,
      ],
      [
        '?apikey= in the poll URL',
        { url: 'http://127.0.0.1:9/api/records?apikey=s3cret' },
        '/poll/url',
        /apikey/,
      ],
      [
        '?api_key= in the poll URL',
        { url: 'http://127.0.0.1:9/api/records?api_key=s3cret' },
        '/poll/url',
        /api_key/,
      ],
      [
        '?secret= in the poll URL',
        { url: 'http://127.0.0.1:9/api/records?secret=s3cret' },
        '/poll/url',
        /secret/,
      ],
      [
        '?password= in the poll URL',
        { url: 'http://127.0.0.1:9/api/records?password=s3cret' },
        '/poll/url',
        /password/,
      ],
      [
        '?access_token= in the poll URL',
        { url: 'http://127.0.0.1:9/api/records?access_token=s3cret' },
        '/poll/url',
        /access_token/,
      ],
      [
        '?client_secret= in the token URL',
        {
          auth: {
            type: 'oauth2',
            tokenUrl: 'http://127.0.0.1:9/token?client_secret=s3cret',
            clientId: 'hub',
            clientSecret: 'x',
          },
        },
        '/poll/auth/tokenUrl',
        /client_secret/,
      ],
    ])(
      'refuses %s with a 400 that says credentials belong in auth, on create and on change',
      async (_what, change, path, message) => {
        const key = `url-credentials-${path.length}-${Math.random().toString(36).slice(2, 8)}`;
        const created = await admin(hub.url)
          .post('/v1/admin/sources', { ...POLL_SOURCE, key, poll: { ...POLL_SOURCE.poll, ...change } })
          .expect(400);
        expect(created.body.error).toBe('validation_failed');
        expect(created.body.details).toEqual([{ path, message: expect.stringMatching(message) }]);
        expect(created.body.details[0].message).toMatch(/set "auth" instead/);
        expect(JSON.stringify(created.body)).not.toContain('s3cret');
        expect((await db.query('SELECT 1 FROM source WHERE key = $1', [key])).rowCount).toBe(0);

        await admin(hub.url)
          .post('/v1/admin/sources', { ...POLL_SOURCE, key })
          .expect(201);
        const patched = await admin(hub.url)
          .patch(`/v1/admin/sources/${key}`, { poll: { ...POLL_SOURCE.poll, ...change } })
          .expect(400);
        expect(patched.body.details).toEqual([{ path, message: expect.stringMatching(message) }]);
        const row = await db.query('SELECT poll::text AS poll FROM source WHERE key = $1', [key]);
        expect(row.rows[0].poll).not.toContain('s3cret');
      },
    );

    it('keeps query parameters that are not credentials', async () => {
      const key = 'url-plain-query';
      const url = 'http://127.0.0.1:9/api/records?province=80&format=json&pageToken=abc';
      const res = await admin(hub.url)
        .post('/v1/admin/sources', { ...POLL_SOURCE, key, poll: { ...POLL_SOURCE.poll, url } })
        .expect(201);
      expect(res.body.poll.url).toBe(url);
    });

    it('masks credentials in the URLs of sources saved before they were refused', async () => {
      const key = 'url-legacy-credentials';
      await admin(hub.url)
        .post('/v1/admin/sources', { ...POLL_SOURCE, key })
        .expect(201);
      await db.query(`UPDATE source SET poll = jsonb_set(poll, '{url}', to_jsonb($2::text)) WHERE key = $1`, [
        key,
        'http://hub:0ld-s3cret@127.0.0.1:9/api/records?access_token=0ld-t0ken&page=1',
      ]);
      const res = await admin(hub.url).get(`/v1/admin/sources/${key}`).expect(200);
      expect(res.body.poll.url).toBe('http://***:***@127.0.0.1:9/api/records?access_token=***&page=1');
      const list = await admin(hub.url).get('/v1/admin/sources').expect(200);
      for (const secret of ['0ld-s3cret', '0ld-t0ken'])
        expect(JSON.stringify(list.body)).not.toContain(secret);
    });

    it.each([
      ['Host'],
      ['host'],
      ['Authorization'],
      ['Proxy-Authorization'],
      ['Cookie'],
      ['Connection'],
      ['Transfer-Encoding'],
      ['Content-Length'],
      ['X-Forwarded-For'],
      ['Sec-Fetch-Site'],
      ['X API Key'],
      ['X-Key\r\nHost'],
    ])('refuses an API key sent as the header %j', async (name) => {
      const res = await admin(hub.url)
        .post('/v1/admin/sources', {
          ...POLL_SOURCE,
          key: `header-${Math.random().toString(36).slice(2, 10)}`,
          poll: { ...POLL_SOURCE.poll, auth: { type: 'apiKey', in: 'header', name, value: 'k-123' } },
        })
        .expect(400);
      expect(res.body.details).toEqual([{ path: '/poll/auth/name', message: expect.any(String) }]);
    });

    it('accepts an API key in a header of its own', async () => {
      await admin(hub.url)
        .post('/v1/admin/sources', {
          ...POLL_SOURCE,
          key: 'header-own',
          poll: {
            ...POLL_SOURCE.poll,
            auth: { type: 'apiKey', in: 'header', name: 'X-API-Key', value: 'k-123' },
          },
        })
        .expect(201);
    });

    it('refuses a malformed definition with every problem listed', async () => {
      const res = await admin(hub.url)
        .post('/v1/admin/sources', { key: 'Bad Key!', provinceCode: 92, kind: 'fax' })
        .expect(400);
      expect(res.body.error).toBe('validation_failed');
      const paths = res.body.details.map((d: { path: string }) => d.path);
      expect(paths).toEqual(expect.arrayContaining(['/key', '/provinceCode', '/kind']));
    });

    it('refuses a province code that is not in force, naming it', async () => {
      const res = await admin(hub.url)
        .post('/v1/admin/sources', { ...JSON_SOURCE, key: 'old-province', provinceCode: '84' })
        .expect(400);
      expect(res.body.message).toMatch(/84/);
    });

    it('refuses a mapping that does not compile, with the JSONata position', async () => {
      const res = await admin(hub.url)
        .post('/v1/admin/sources', {
          ...JSON_SOURCE,
          key: 'broken-mapping',
          mapping: { language: 'jsonata', expression: '{ "products": [ }' },
        })
        .expect(400);
      expect(res.body.error).toBe('mapping_invalid');
      expect(res.body.details[0].position).toEqual(expect.any(Number));
    });

    it('refuses a second source with the same key', async () => {
      await admin(hub.url).post('/v1/admin/sources', JSON_SOURCE).expect(409);
    });

    it('makes a new mapping version on change, keeping the old one', async () => {
      const expression =
        '{ "products": products.{ "gtin": gtin, "name": name & " (v2)", "ownerTaxCode": owner, "netContent": { "value": kg, "uom": "KGM" } } }';
      const res = await admin(hub.url)
        .patch(`/v1/admin/sources/${JSON_SOURCE.key}`, { mapping: { language: 'jsonata', expression } })
        .expect(200);
      expect(res.body.mapping.version).toBe(2);
      const versions = await db.query(
        'SELECT version FROM mapping_version WHERE source_key = $1 ORDER BY version',
        [JSON_SOURCE.key],
      );
      expect(versions.rows.map((r: { version: number }) => r.version)).toEqual([1, 2]);
      await admin(hub.url).patch(`/v1/admin/sources/${JSON_SOURCE.key}`, { provinceCode: '01' }).expect(400);
    });

    it('previews a sample: national records and findings, storing nothing', async () => {
      const sample = {
        products: [
          { gtin: '8935049500018', name: 'Gạo ST25', owner: '0301234567', kg: 5 },
          { gtin: '8935049500019', name: 'Sai mã', owner: '0301234567', kg: 5 },
        ],
      };
      const before = await db.query('SELECT count(*)::int AS n FROM receipt');
      const res = await admin(hub.url)
        .post(`/v1/admin/sources/${JSON_SOURCE.key}/preview`, sample)
        .expect(200);
      expect(res.body.records).toHaveLength(2);
      expect(res.body.records[0]).toMatchObject({
        kind: 'product',
        key: 'gtin:08935049500018',
        data: { gtin: '08935049500018' },
      });
      expect(res.body.records[1].findings.map((f: { code: string }) => f.code)).toContain('GTIN_FORMAT');
      const after = await db.query('SELECT count(*)::int AS n FROM receipt');
      expect(after.rows[0].n).toBe(before.rows[0].n);
    });

    it('previews an unsaved draft mapping without making a mapping version', async () => {
      const base = `/v1/admin/sources/${JSON_SOURCE.key}`;
      const before = (await admin(hub.url).get(base).expect(200)).body.mappingVersion;
      const sample = JSON.stringify({ items: [{ ma: '8935049500018', ten: 'Bưởi Năm Roi' }] });
      const res = await admin(hub.url)
        .post(`${base}/preview-draft`, {
          expression: '{ "products": items.{ "gtin": ma, "name": ten } }',
          sample,
        })
        .expect(200);
      expect(res.body.records).toHaveLength(1);
      expect(res.body.records[0]).toMatchObject({ kind: 'product', key: 'gtin:08935049500018' });
      expect(res.body.records[0].findings.map((f: { code: string }) => f.code)).toContain('PORTAL_MINIMUM');

      const broken = await admin(hub.url)
        .post(`${base}/preview-draft`, { expression: '{ "products": items.{ ', sample })
        .expect(200);
      expect(broken.body.records).toEqual([]);
      expect(broken.body.findings[0].code).toBe('MAPPING_INVALID');

      const bad = await admin(hub.url).post(`${base}/preview-draft`, { sample: 42 }).expect(400);
      expect(bad.body.details).toHaveLength(2);
      expect((await admin(hub.url).get(base).expect(200)).body.mappingVersion).toBe(before);
    });

    it('stops a runaway draft mapping at its time limit as the finding MAPPING_TIMEOUT, answering /health/live meanwhile', async () => {
      const base = `/v1/admin/sources/${JSON_SOURCE.key}`;
      const expression = `($match("${'a'.repeat(30)}!", /(a+)+$/); {})`;
      let answeredAt = 0;
      const started = Date.now();
      const preview = admin(hub.url)
        .post(`${base}/preview-draft`, { expression, sample: '{}' })
        .then((res) => {
          answeredAt = Date.now();
          return res;
        });
      await eventually(
        () => Promise.resolve(mappingSandbox().stats().running > 0 || answeredAt > 0),
        10_000,
        'the mapping running',
      );
      const asked = Date.now();
      await request(hub.url).get('/health/live').expect(200);
      expect(Date.now() - asked).toBeLessThan(1000);
      expect(answeredAt).toBe(0);

      const res = await preview;
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        records: [],
        findings: [
          expect.objectContaining({
            code: 'MAPPING_TIMEOUT',
            message: expect.stringMatching(/longer than 2000 ms/),
          }),
        ],
      });
      // Generous: the limit is 2 s, and a sandbox process may have had to start first.
      expect(answeredAt - started).toBeLessThan(2000 + 8000);
    });

    it('moves through the connection stages and refuses moves the process does not allow', async () => {
      const base = `/v1/admin/sources/${JSON_SOURCE.key}`;
      await admin(hub.url).post(`${base}/resume`).expect(409);
      expect((await admin(hub.url).post(`${base}/start-testing`).expect(200)).body.stage).toBe('testing');
      expect((await admin(hub.url).post(`${base}/pause`).expect(200)).body.stage).toBe('paused');
      expect((await admin(hub.url).post(`${base}/resume`).expect(200)).body.stage).toBe('testing');
      expect((await admin(hub.url).post(`${base}/activate`).expect(200)).body.stage).toBe('active');
      await admin(hub.url).post(`${base}/start-testing`).expect(409);
    });

    it('refuses webhooks for a draft source with 409', async () => {
      const created = await admin(hub.url)
        .post('/v1/admin/sources', { ...JSON_SOURCE, key: 'still-draft' })
        .expect(201);
      const payload = JSON.stringify({ products: [] });
      await request(hub.url)
        .post('/v1/webhooks/still-draft')
        .set({ 'Content-Type': 'application/json', ...signWebhook(created.body.webhookSecret, payload) })
        .send(payload)
        .expect(409);
    });

    it('shows the national roll-out by province', async () => {
      const res = await admin(hub.url).get('/v1/admin/provinces').expect(200);
      expect(res.body.items).toHaveLength(34);
      const canTho = res.body.items.find((p: { code: string }) => p.code === '92');
      expect(canTho.stage).toBe('syncing');
      const tayNinh = res.body.items.find((p: { code: string }) => p.code === '80');
      expect(tayNinh.stage).toBe('draft');
      expect(res.body.summary.syncing).toBeGreaterThanOrEqual(1);
      expect(
        res.body.summary.noSystem +
          res.body.summary.draft +
          res.body.summary.testing +
          res.body.summary.syncing,
      ).toBe(34);
      // The pre-2025 codes, named, with the province each was merged into (Sóc Trăng → Cần Thơ).
      expect(res.body.legacy).toContainEqual({ code: '94', name: 'Tỉnh Sóc Trăng', mergedInto: '92' });
    });

    it('deletes softly: gone from the API, receipts and key kept', async () => {
      await admin(hub.url).delete(`/v1/admin/sources/still-draft`).expect(204);
      await admin(hub.url).get(`/v1/admin/sources/still-draft`).expect(404);
      await admin(hub.url)
        .post('/v1/admin/sources', { ...JSON_SOURCE, key: 'still-draft' })
        .expect(409);
    });
  });

  it('writes every change to the audit log with who and when', async () => {
    const res = await admin(hub.url).get('/v1/admin/audit?limit=200').expect(200);
    const actions = res.body.items.map((e: { action: string }) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'token.create',
        'token.revoke',
        'source.create',
        'source.update',
        'source.activate',
        'source.pause',
        'source.resume',
        'source.delete',
      ]),
    );
    expect(res.body.items[0]).toMatchObject({ actor: expect.any(String), at: expect.any(String) });
    expect(JSON.stringify(res.body)).not.toContain(ADMIN_TOKEN);
  });
});

describe('poll URLs in production (NODE_ENV=production)', () => {
  let hub: GatewayHarness;

  beforeAll(async () => {
    hub = await startGateway({
      env: { NODE_ENV: 'production', OUTBOUND_ALLOWLIST: '127.0.0.1, intranet.tayninh.test' },
    });
  });
  afterAll(async () => {
    await hub?.close();
  });

  it('requires https unless the host is in OUTBOUND_ALLOWLIST, for the poll URL and the token URL', async () => {
    const define = (key: string, poll: object) =>
      admin(hub.url).post('/v1/admin/sources', {
        ...POLL_SOURCE,
        key,
        poll: { ...POLL_SOURCE.poll, ...poll },
      });

    const plain = await define('prod-plain', { url: 'http://api.tayninh.test/records' }).expect(400);
    expect(plain.body.details).toEqual([
      {
        path: '/poll/url',
        message: expect.stringMatching(/must use https in production.*OUTBOUND_ALLOWLIST/),
      },
    ]);
    const token = await define('prod-plain-token', {
      url: 'https://api.tayninh.test/records',
      auth: { type: 'oauth2', tokenUrl: 'http://api.tayninh.test/token', clientId: 'hub', clientSecret: 'x' },
    }).expect(400);
    expect(token.body.details).toEqual([
      { path: '/poll/auth/tokenUrl', message: expect.stringMatching(/must use https in production/) },
    ]);

    await define('prod-https', { url: 'https://api.tayninh.test/records' }).expect(201);
    await define('prod-listed-name', { url: 'http://intranet.tayninh.test/records' }).expect(201);
    await define('prod-listed-address', { url: 'http://127.0.0.1:9/records' }).expect(201);
    const patched = await admin(hub.url)
      .patch('/v1/admin/sources/prod-https', {
        poll: { ...POLL_SOURCE.poll, url: 'http://api.tayninh.test/records' },
      })
      .expect(400);
    expect(patched.body.details[0].path).toBe('/poll/url');
  });
});
