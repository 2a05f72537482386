import { createHash } from 'node:crypto';
import { contentHash, summaryDigest } from '@txng/national-model';
import { loadSimConfig, type SimConfig } from '../../apps/portal-sim/src/config/sim-config';
import { startPortalSim, type RunningPortalSim } from '../../apps/portal-sim/src/create-portal-sim';
import {
  event,
  gtinUnder,
  organization,
  product,
  sample,
} from '../../apps/portal-sim/src/testing/sample-records';

/** The National Portal simulator as a real HTTP server on loopback, driven through its contract. */

interface Answer {
  status: number;
  headers: Headers;
  // Contract bodies are read field by field in assertions; typing each shape would add nothing.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

const ADMIN = { 'x-sim-admin': 'sim-admin' };

async function start(overrides: Partial<SimConfig> = {}): Promise<RunningPortalSim> {
  return startPortalSim(loadSimConfig({}, { port: 0, logLevel: 'silent', ...overrides }));
}

function client(sim: RunningPortalSim) {
  const call = async (
    method: string,
    path: string,
    init: { headers?: Record<string, string>; body?: unknown; raw?: string } = {},
  ): Promise<Answer> => {
    const headers: Record<string, string> = { ...init.headers };
    let body: string | undefined = init.raw;
    if (init.body !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = JSON.stringify(init.body);
    }
    const res = await fetch(sim.url + path, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, headers: res.headers, body: parsed };
  };
  const token = async (id = 'txng-hub-dev', secret = 'txng-hub-dev-secret'): Promise<Answer> =>
    call('POST', '/oauth/token', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      raw: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: id,
        client_secret: secret,
      }).toString(),
    });
  let bearer = '';
  const auth = async (): Promise<Record<string, string>> => {
    if (!bearer) bearer = (await token()).body.access_token;
    return { authorization: `Bearer ${bearer}` };
  };
  let n = 0;
  const push = async (
    body: unknown,
    key = `test-${Date.now()}-${++n}`,
    extra: Record<string, string> = {},
  ): Promise<Answer> =>
    call('POST', '/api/v1/batches', {
      headers: { ...(await auth()), 'idempotency-key': key, ...extra },
      body,
    });
  const admin = (method: string, path: string, body?: unknown) =>
    call(method, path, { headers: ADMIN, body });
  return { call, token, auth, push, admin, forgetToken: () => void (bearer = '') };
}

describe('portal-sim (National Portal Sync API v1 simulator)', () => {
  let sim: RunningPortalSim;
  let c: ReturnType<typeof client>;

  beforeAll(async () => {
    // The rate limit has its own test (and its own simulator); here it would only add noise.
    sim = await start({ rateLimitPerSecond: 0 });
    c = client(sim);
  });
  afterAll(async () => {
    await sim?.close();
  });
  beforeEach(async () => {
    await c.admin('POST', '/__sim/reset');
  });

  describe('OAuth client credentials', () => {
    it('issues a bearer token for known credentials, form-encoded or HTTP Basic', async () => {
      const res = await c.token();
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 300 });
      const basic = await c.call('POST', '/oauth/token', {
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from('txng-hub-dev:txng-hub-dev-secret').toString('base64')}`,
        },
        raw: 'grant_type=client_credentials',
      });
      expect(basic.status).toBe(200);
    });

    it('answers 401 invalid_client for a wrong secret or unknown client, 400 for another grant', async () => {
      expect(await c.token('txng-hub-dev', 'wrong')).toMatchObject({
        status: 401,
        body: { error: 'invalid_client' },
      });
      expect(await c.token('nobody', 'x')).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
      const grant = await c.call('POST', '/oauth/token', {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        raw: 'grant_type=password&client_id=a&client_secret=b',
      });
      expect(grant).toMatchObject({ status: 400, body: { error: 'unsupported_grant_type' } });
    });

    it('answers 401 invalid_token without a token, with an unknown one, and after the admin revokes all', async () => {
      expect(await c.call('GET', '/api/v1/provinces/92/summary')).toMatchObject({
        status: 401,
        body: { error: 'invalid_token' },
      });
      expect(
        await c.call('GET', '/api/v1/provinces/92/summary', { headers: { authorization: 'Bearer nope' } }),
      ).toMatchObject({ status: 401 });
      const fresh = (await c.token()).body.access_token as string;
      const headers = { authorization: `Bearer ${fresh}` };
      expect((await c.call('GET', '/api/v1/provinces/92/summary', { headers })).status).toBe(200);
      const revoked = await c.admin('POST', '/__sim/faults', { tokenExpiry: true });
      expect(revoked.body.tokensRevoked).toBeGreaterThanOrEqual(1);
      expect(await c.call('GET', '/api/v1/provinces/92/summary', { headers })).toMatchObject({
        status: 401,
        body: { error: 'invalid_token' },
      });
      c.forgetToken();
    });

    it('expires tokens after PORTAL_SIM_TOKEN_TTL_SECONDS', async () => {
      let now = Date.parse('2025-08-01T00:00:00Z');
      const timed = await start({ now: () => now, tokenTtlSeconds: 60 });
      try {
        const tc = client(timed);
        const headers = await tc.auth();
        expect((await tc.call('GET', '/api/v1/provinces/92/summary', { headers })).status).toBe(200);
        now += 61_000;
        expect(await tc.call('GET', '/api/v1/provinces/92/summary', { headers })).toMatchObject({
          status: 401,
          body: { error: 'invalid_token' },
        });
      } finally {
        await timed.close();
      }
    });
  });

  describe('POST /api/v1/batches', () => {
    it('accepts records with stable portal ids and reads them back', async () => {
      const org = organization(1);
      const prod = product(1);
      const ev = event('SN001');
      const res = await c.push({ provinceCode: '92', records: [org, prod, ev] });
      expect(res.status).toBe(200);
      expect(res.body.batchId).toMatch(/^b_/);
      expect(res.body.results).toEqual([
        { key: org.key, status: 'accepted', portalId: 'P-000001' },
        { key: prod.key, status: 'accepted', portalId: 'P-000002' },
        { key: ev.key, status: 'accepted', portalId: 'P-000003' },
      ]);
      const back = await c.call('GET', `/api/v1/records/event/${encodeURIComponent(ev.key)}`, {
        headers: await c.auth(),
      });
      expect(back.status).toBe(200);
      expect(back.body).toEqual({
        kind: 'event',
        key: ev.key,
        version: 1,
        portalId: 'P-000003',
        provinceCode: '92',
        contentHash: contentHash(ev.data),
      });
      expect(
        (
          await c.call('GET', `/api/v1/records/product/${encodeURIComponent('gtin:00000000000000')}`, {
            headers: await c.auth(),
          })
        ).status,
      ).toBe(404);
    });

    it('requires an Idempotency-Key of 1-128 characters of [A-Za-z0-9._:-]', async () => {
      const body = { provinceCode: '92', records: [organization(2)] };
      const headers = { ...(await c.auth()) };
      const without = await c.call('POST', '/api/v1/batches', { headers, body });
      expect(without).toMatchObject({ status: 400, body: { error: 'invalid_batch' } });
      expect((await c.push(body, 'has space')).status).toBe(400);
      expect((await c.push(body, 'x'.repeat(129))).status).toBe(400);
      expect((await c.push(body, 'A-z.0_9:' + 'x'.repeat(120))).status).toBe(200);
    });

    it('replays the first answer for the same key and body, refuses the key with another body', async () => {
      const org = organization(3);
      const first = await c.push({ provinceCode: '92', records: [org] }, 'replay-1');
      expect(first.headers.get('idempotent-replayed')).toBeNull();
      // Same content, other property order: still the same body.
      const again = await c.push(
        { records: [{ data: org.data, version: 1, key: org.key, kind: org.kind }], provinceCode: '92' },
        'replay-1',
      );
      expect(again.status).toBe(200);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.body).toEqual(first.body);
      const other = await c.push({ provinceCode: '92', records: [organization(4)] }, 'replay-1');
      expect(other).toMatchObject({ status: 409, body: { error: 'idempotency_key_reused' } });
      const stats = await c.admin('GET', '/__sim/stats');
      expect(stats.body).toMatchObject({ batchesStored: 1, replays: 1, recordsHeld: 1 });
    });

    it.each([
      ['no provinceCode', { records: [organization(5)] }, '/provinceCode'],
      ['a numeric provinceCode', { provinceCode: 92, records: [organization(5)] }, '/provinceCode'],
      ['records not an array', { provinceCode: '92', records: {} }, '/records'],
      ['no records', { provinceCode: '92', records: [] }, '/records'],
      [
        'an unknown kind',
        { provinceCode: '92', records: [{ ...organization(5), kind: 'company' }] },
        '/records/0/kind',
      ],
      [
        'a key that is not the key of its data',
        { provinceCode: '92', records: [{ ...organization(5), key: 'org:0399999999' }] },
        '/records/0/key',
      ],
      [
        'a non-integer version',
        { provinceCode: '92', records: [{ ...organization(5), version: 1.5 }] },
        '/records/0/version',
      ],
      [
        'a zero version',
        { provinceCode: '92', records: [{ ...organization(5), version: 0 }] },
        '/records/0/version',
      ],
      [
        'data that is not an object',
        { provinceCode: '92', records: [{ ...organization(5), data: 'x' }] },
        '/records/0/data',
      ],
      [
        'an unknown envelope field',
        { provinceCode: '92', records: [organization(5)], province: '92' },
        '/province',
      ],
    ])('refuses a batch with %s as 400 invalid_batch', async (_what, body, path) => {
      const res = await c.push(body);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_batch');
      expect(res.body.details).toEqual(
        expect.arrayContaining([expect.objectContaining({ path, message: expect.any(String) })]),
      );
      expect((await c.admin('GET', '/__sim/stats')).body.recordsHeld).toBe(0);
    });

    it('refuses malformed JSON as invalid_batch', async () => {
      const res = await c.call('POST', '/api/v1/batches', {
        headers: { ...(await c.auth()), 'idempotency-key': 'k', 'content-type': 'application/json' },
        raw: '{"provinceCode":',
      });
      expect(res).toMatchObject({ status: 400, body: { error: 'invalid_batch' } });
    });

    it('answers 413 for more than 500 records or more than 5 MiB', async () => {
      const many = Array.from({ length: 501 }, (_, i) => organization(1000 + i));
      expect((await c.push({ provinceCode: '92', records: many })).status).toBe(413);
      const big = organization(6, '92', { address: 'x'.repeat(5 * 1024 * 1024) });
      expect(await c.push({ provinceCode: '92', records: [big] })).toMatchObject({
        status: 413,
        body: { error: 'payload_too_large' },
      });
      expect((await c.admin('GET', '/__sim/stats')).body.recordsHeld).toBe(0);
    });

    it('rejects invalid, unnormalised, wrong-province and wrong-prefix records one by one', async () => {
      const badGtin = { ...product(7), data: { ...product(7).data, netContent: { value: -1, uom: 'KGM' } } };
      const gtin13 = gtinUnder('8935049', 8).slice(1);
      const unnormalised = {
        kind: 'product',
        key: `gtin:0${gtin13}`,
        version: 1,
        data: { ...product(8).data, gtin: gtin13 },
      };
      const legacyProvince = organization(9, '93');
      const otherOwner = product(10, { ownerTaxCode: '0100109106' });
      const branch = product(11, { ownerTaxCode: '0301234567-001' });
      const revoked = sample('product', {
        ...product(12).data,
        gtin: gtinUnder('8935999', 12),
        ownerTaxCode: '0312345678',
      });
      const unregistered = sample('product', { ...product(13).data, gtin: gtinUnder('8939876', 13) });
      const res = await c.push({
        provinceCode: '92',
        records: [badGtin, unnormalised, legacyProvince, otherOwner, branch, revoked, unregistered],
      });
      expect(res.status).toBe(200);
      const r = res.body.results;
      expect(r[0]).toMatchObject({
        status: 'rejected',
        error: { code: 'INVALID_RECORD', message: expect.stringContaining('QUANTITY_RANGE') },
      });
      expect(r[1]).toMatchObject({
        status: 'rejected',
        error: { code: 'INVALID_RECORD', message: expect.stringContaining('normal form') },
      });
      expect(r[2]).toMatchObject({ status: 'rejected', error: { code: 'UNKNOWN_PROVINCE' } });
      expect(r[3]).toMatchObject({
        status: 'rejected',
        error: { code: 'GTIN_PREFIX_OWNER', message: expect.stringContaining('0100109106') },
      });
      expect(r[4]).toMatchObject({ status: 'accepted' });
      expect(r[5]).toMatchObject({
        status: 'rejected',
        error: { code: 'GTIN_PREFIX_OWNER', message: expect.stringContaining('revoked') },
      });
      expect(r[6]).toMatchObject({ status: 'accepted' });
      const unknownBatchProvince = await c.push({ provinceCode: '99', records: [organization(14, '92')] });
      expect(unknownBatchProvince.body.results[0]).toMatchObject({
        status: 'rejected',
        error: { code: 'UNKNOWN_PROVINCE' },
      });
    });

    it('applies the version rules: first is 1, then +1; duplicate, stale and gaps', async () => {
      const v1 = organization(20);
      const v2 = { ...v1, version: 2, data: { ...v1.data, name: 'Hợp tác xã Số 20 (đổi tên)' } };
      const gapFirst = { ...organization(21), version: 2 };
      const first = await c.push({ provinceCode: '92', records: [v1, gapFirst] });
      expect(first.body.results[0]).toMatchObject({ status: 'accepted', portalId: 'P-000001' });
      expect(first.body.results[1]).toMatchObject({ status: 'rejected', error: { code: 'VERSION_GAP' } });
      const second = await c.push({ provinceCode: '92', records: [v2, v1, { ...v1, version: 4 }] });
      expect(second.body.results).toEqual([
        { key: v1.key, status: 'accepted', portalId: 'P-000001' },
        { key: v1.key, status: 'stale', portalId: 'P-000001', currentVersion: 2 },
        expect.objectContaining({
          key: v1.key,
          status: 'rejected',
          currentVersion: 2,
          error: expect.objectContaining({ code: 'VERSION_GAP' }),
        }),
      ]);
      const third = await c.push({
        provinceCode: '92',
        records: [v2, { ...v2, data: { ...v2.data, name: 'Khác' } }],
      });
      expect(third.body.results[0]).toEqual({ key: v1.key, status: 'duplicate', portalId: 'P-000001' });
      expect(third.body.results[1]).toMatchObject({
        status: 'rejected',
        currentVersion: 2,
        error: { code: 'VERSION_GAP' },
      });
      const back = await c.call('GET', `/api/v1/records/organization/${encodeURIComponent(v1.key)}`, {
        headers: await c.auth(),
      });
      expect(back.body).toMatchObject({ version: 2, portalId: 'P-000001' });
    });

    it('logs every accepted version per key in the order accepted, and nothing else', async () => {
      const v1 = organization(30);
      const v2 = { ...v1, version: 2, data: { ...v1.data, name: 'Hợp tác xã Số 30 (đổi tên)' } };
      const other = organization(31);
      const first = await c.push({ provinceCode: '92', records: [v1, other] }, 'log-1');
      // The same batch again (a replay), a duplicate, a stale version and a gap add nothing.
      await c.push({ provinceCode: '92', records: [v1, other] }, 'log-1');
      const second = await c.push({ provinceCode: '92', records: [v1, v2, v1, { ...v1, version: 5 }] });
      expect(second.body.results.map((r: { status: string }) => r.status)).toEqual([
        'duplicate',
        'accepted',
        'stale',
        'rejected',
      ]);
      await c.admin('PUT', `/__sim/records/organization/${encodeURIComponent(other.key)}`, {
        version: 2,
        data: other.data,
        provinceCode: '92',
      });

      const log = await c.admin('GET', `/__sim/accepted/organization/${encodeURIComponent(v1.key)}`);
      expect(log.status).toBe(200);
      expect(log.body).toMatchObject({ kind: 'organization', key: v1.key });
      expect(log.body.versions).toEqual([
        expect.objectContaining({
          version: 1,
          contentHash: contentHash(v1.data),
          batchId: first.body.batchId,
          provinceCode: '92',
          data: v1.data,
        }),
        expect.objectContaining({ version: 2, contentHash: contentHash(v2.data), batchId: second.body.batchId }),
      ]);
      const all = await c.admin('GET', '/__sim/accepted');
      expect(all.body).toMatchObject({ keys: 2, versions: 3 });
      // The planted version 2 of `other` is not an acceptance.
      const otherLog = all.body.records.find((r: { key: string }) => r.key === other.key);
      expect(otherLog.versions.map((v: { version: number }) => v.version)).toEqual([1]);
      expect((await c.admin('GET', '/__sim/accepted?provinceCode=93')).body).toMatchObject({ keys: 0 });
      expect((await c.admin('GET', '/__sim/accepted?provinceCode=9')).status).toBe(400);
      expect((await c.admin('GET', '/__sim/stats')).body.versionsAccepted).toBe(3);
      expect((await c.call('GET', '/__sim/accepted')).status).toBe(403);

      await c.admin('POST', '/__sim/reset');
      expect((await c.admin('GET', '/__sim/accepted')).body).toEqual({ keys: 0, versions: 0, records: [] });
      expect(
        (await c.admin('GET', `/__sim/accepted/organization/${encodeURIComponent(v1.key)}`)).status,
      ).toBe(404);
    });
  });

  describe('prefix registry', () => {
    it('answers the longest registered prefix, 404 when none, 400 for malformed digits', async () => {
      const headers = await c.auth();
      expect((await c.call('GET', '/api/v1/registry/prefixes/893504950001', { headers })).body).toEqual({
        prefix: '8935049',
        status: 'active',
        owner: { taxCode: '0301234567', gln: '8935049000006', name: expect.stringContaining('Sài Gòn') },
      });
      expect((await c.call('GET', '/api/v1/registry/prefixes/893610055123', { headers })).body.prefix).toBe(
        '893610055',
      );
      expect((await c.call('GET', '/api/v1/registry/prefixes/893610012345', { headers })).body.prefix).toBe(
        '8936100',
      );
      expect((await c.call('GET', '/api/v1/registry/prefixes/8935999', { headers })).body.status).toBe(
        'revoked',
      );
      expect(await c.call('GET', '/api/v1/registry/prefixes/8939876000', { headers })).toMatchObject({
        status: 404,
        body: { error: 'prefix_not_registered' },
      });
      for (const bad of ['893504', '8935049500018', '89350a9']) {
        expect((await c.call('GET', `/api/v1/registry/prefixes/${bad}`, { headers })).status).toBe(400);
      }
    });
  });

  describe('province summary', () => {
    it('counts and digests what the portal holds for the province only', async () => {
      const records = [organization(30), product(30), event('SN030')];
      await c.push({ provinceCode: '92', records });
      await c.push({ provinceCode: '79', records: [organization(31, '79')] });
      const res = await c.call('GET', '/api/v1/provinces/92/summary', { headers: await c.auth() });
      expect(res.body).toEqual({
        provinceCode: '92',
        counts: { product: 1, location: 0, organization: 1, lot: 0, event: 1 },
        digest: summaryDigest(records.map((r) => ({ kind: r.kind, key: r.key, version: 1 }))),
      });
      const lines = records
        .map((r) => `${r.kind}\t${r.key}\t1\n`)
        .sort()
        .join('');
      expect(res.body.digest).toBe(`sha256:${createHash('sha256').update(lines).digest('hex')}`);
      expect((await c.call('GET', '/api/v1/provinces/9x/summary', { headers: await c.auth() })).status).toBe(
        400,
      );
    });
  });

  describe('rate limit', () => {
    it('answers 429 with Retry-After once a client is over its limit', async () => {
      const frozen = Date.parse('2025-08-01T00:00:00Z');
      const limited = await start({ now: () => frozen, rateLimitPerSecond: 3 });
      try {
        const lc = client(limited);
        const headers = await lc.auth();
        const statuses: number[] = [];
        let last: Answer | undefined;
        for (let i = 0; i < 4; i++) {
          last = await lc.call('GET', '/api/v1/provinces/92/summary', { headers });
          statuses.push(last.status);
        }
        expect(statuses).toEqual([200, 200, 200, 429]);
        expect(last!.headers.get('retry-after')).toBe('1');
        expect(last!.body.error).toBe('rate_limited');
      } finally {
        await limited.close();
      }
    });
  });

  describe('fault injection and admin', () => {
    it('protects the admin endpoints with x-sim-admin and refuses unknown faults', async () => {
      expect((await c.call('GET', '/__sim/faults')).status).toBe(403);
      expect((await c.call('GET', '/__sim/stats', { headers: { 'x-sim-admin': 'wrong' } })).status).toBe(403);
      expect(await c.admin('POST', '/__sim/faults', { errorRat: 0.5 })).toMatchObject({
        status: 400,
        body: { error: 'invalid_faults' },
      });
      expect((await c.admin('POST', '/__sim/faults', { errorRate: 2 })).status).toBe(400);
      const set = await c.admin('POST', '/__sim/faults', { latencyMs: 1, dropMode: 'after-store' });
      expect(set.body).toMatchObject({ latencyMs: 1, dropMode: 'after-store', errorRate: 0 });
      expect((await c.admin('GET', '/__sim/faults')).body).toMatchObject({ latencyMs: 1 });
    });

    it('answers the next N calls 429 (burst429) with the configured Retry-After', async () => {
      await c.admin('POST', '/__sim/faults', { burst429: 2, retryAfterSeconds: 3 });
      const headers = await c.auth();
      const a = await c.call('GET', '/api/v1/provinces/92/summary', { headers });
      const b = await c.call('GET', '/api/v1/provinces/92/summary', { headers });
      const d = await c.call('GET', '/api/v1/provinces/92/summary', { headers });
      expect([a.status, b.status, d.status]).toEqual([429, 429, 200]);
      expect(a.headers.get('retry-after')).toBe('3');
    });

    it('answers 5xx (errorNext / errorRate) without storing the batch', async () => {
      await c.admin('POST', '/__sim/faults', { errorNext: 1 });
      const failed = await c.push({ provinceCode: '92', records: [organization(40)] }, 'err-1');
      expect([500, 502, 503, 504]).toContain(failed.status);
      await c.admin('POST', '/__sim/faults', { errorRate: 1 });
      expect([500, 502, 503, 504]).toContain(
        (await c.push({ provinceCode: '92', records: [organization(40)] }, 'err-1')).status,
      );
      await c.admin('POST', '/__sim/faults', { errorRate: 0 });
      const ok = await c.push({ provinceCode: '92', records: [organization(40)] }, 'err-1');
      expect(ok.status).toBe(200);
      expect(ok.headers.get('idempotent-replayed')).toBeNull();
    });

    it('drops the connection before storing, or after storing ("store then drop")', async () => {
      await c.admin('POST', '/__sim/faults', { dropNext: 1, dropMode: 'before' });
      await expect(c.push({ provinceCode: '92', records: [organization(41)] }, 'drop-1')).rejects.toThrow();
      expect((await c.admin('GET', '/__sim/stats')).body.recordsHeld).toBe(0);

      await c.admin('POST', '/__sim/faults', { dropNext: 1, dropMode: 'after-store' });
      await expect(c.push({ provinceCode: '92', records: [organization(41)] }, 'drop-2')).rejects.toThrow();
      expect((await c.admin('GET', '/__sim/stats')).body.recordsHeld).toBe(1);
      const retry = await c.push({ provinceCode: '92', records: [organization(41)] }, 'drop-2');
      expect(retry.headers.get('idempotent-replayed')).toBe('true');
      expect(retry.body.results[0]).toMatchObject({ status: 'accepted', portalId: 'P-000001' });
      const stats = (await c.admin('GET', '/__sim/stats')).body;
      expect(stats.calls['POST /api/v1/batches dropped']).toBe(2);
      expect(stats).toMatchObject({ batchesStored: 1, replays: 1, recordsHeld: 1 });
    });

    it('answers 503 on every API route during an outage, until it is cleared or ends', async () => {
      await c.admin('POST', '/__sim/faults', { outage: true });
      const token = await c.token();
      expect(token.status).toBe(503);
      expect(Number(token.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect((await c.call('GET', '/api/v1/registry/prefixes/8935049')).status).toBe(503);
      expect((await c.admin('GET', '/__sim/faults')).body.outage).toEqual({ until: null });
      await c.admin('POST', '/__sim/faults', { outage: false });
      expect((await c.token()).status).toBe(200);
      await c.admin('POST', '/__sim/faults', {
        outage: { until: new Date(Date.now() - 1000).toISOString() },
      });
      expect((await c.token()).status).toBe(200);
    });

    it('counts calls by route and status, and reset empties the portal', async () => {
      await c.push({ provinceCode: '92', records: [organization(50)] });
      await c.call('GET', '/api/v1/records/organization/org%3A0300000050', { headers: await c.auth() });
      const stats = (await c.admin('GET', '/__sim/stats')).body;
      expect(stats.calls).toMatchObject({
        'POST /api/v1/batches 200': 1,
        'GET /api/v1/records/:kind/:key 200': 1,
      });
      expect(stats.results).toEqual({ accepted: 1 });
      expect(stats.maxInFlightByProvince).toEqual({ '92': 1 });
      await c.admin('POST', '/__sim/reset');
      const after = (await c.admin('GET', '/__sim/stats')).body;
      expect(after).toMatchObject({ recordsHeld: 0, batchesStored: 0, results: {} });
      expect(after.calls['POST /api/v1/batches 200']).toBeUndefined();
    });
  });
});
