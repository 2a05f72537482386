import { summaryDigest } from '@txng/national-model';
import {
  batchIdempotencyKey,
  CircuitBreakerRegistry,
  type Clock,
  IdempotencyKeyReusedError,
  InvalidBatchError,
  PortalAuthError,
  PortalClient,
  type PortalClientEvent,
  type PortalClientOptions,
  PortalError,
  PortalRateLimitedError,
  PortalTemporaryError,
  PortalUnavailableError,
} from '@txng/portal-client';
import { type RunningPortalSim } from '../../apps/portal-sim/src/create-portal-sim';
import { event, organization, product } from '../../apps/portal-sim/src/testing/sample-records';
import { simAdmin, startSim } from '../support/portal-sim';

/**
 * PortalClient against the real simulator on loopback. Time is virtual for the client: sleeping
 * advances its clock at once, so Retry-After, backoff and the breaker's cool-down are observed
 * exactly (and recorded) without the test waiting for them.
 */
class VirtualClock implements Clock {
  offset = 0;
  readonly sleeps: number[] = [];
  now(): number {
    return Date.now() + this.offset;
  }
  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.offset += ms;
    await new Promise((resolve) => setImmediate(resolve));
  }
  advance(ms: number): void {
    this.offset += ms;
  }
}

describe('PortalClient against the portal simulator', () => {
  let sim: RunningPortalSim;
  const clients: PortalClient[] = [];

  const stats = () => simAdmin(sim).stats();
  const faults = (patch: Record<string, unknown>) => simAdmin(sim).faults(patch);

  function makeClient(
    options: PortalClientOptions = {},
    credentials = { clientId: 'txng-hub-dev', clientSecret: 'txng-hub-dev-secret' },
  ) {
    const clock = new VirtualClock();
    const events: PortalClientEvent[] = [];
    const client = new PortalClient(
      { baseUrl: sim.url, ...credentials },
      {
        timeoutMs: 2000,
        ratePerSecond: 1000,
        retry: { maxAttempts: 4, baseDelayMs: 10, maxDelayMs: 100 },
        breakers: new CircuitBreakerRegistry(),
        clock,
        onEvent: (e) => events.push(e),
        ...options,
      },
    );
    clients.push(client);
    return { client, clock, events };
  }

  beforeAll(async () => {
    // The portal's own per-second limit is off: the client's virtual clock does not wait in real
    // time, so real-time 429s would only add noise. 429 handling is driven by burst429 instead.
    sim = await startSim();
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await sim?.close();
  });
  beforeEach(async () => {
    await simAdmin(sim).reset();
  });

  it('fetches one token, reuses it, and maps per-record results', async () => {
    const { client, events } = makeClient();
    const v1 = organization(1);
    const first = await client.pushBatch('92', [
      v1,
      product(1),
      { ...product(2), data: { ...product(2).data, ownerTaxCode: '0100109106' } },
    ]);
    expect(first.results).toEqual([
      { key: v1.key, status: 'accepted', portalId: 'P-000001' },
      { key: product(1).key, status: 'accepted', portalId: 'P-000002' },
      {
        key: product(2).key,
        status: 'rejected',
        error: { code: 'GTIN_PREFIX_OWNER', message: expect.stringContaining('0100109106') },
      },
    ]);
    const v2 = { ...v1, version: 2, data: { ...v1.data, name: 'Tên mới' } };
    const second = await client.pushBatch('92', [v2, v1]);
    expect(second.results).toEqual([
      { key: v1.key, status: 'accepted', portalId: 'P-000001' },
      { key: v1.key, status: 'stale', portalId: 'P-000001', currentVersion: 2 },
    ]);
    expect(await client.getRecord('organization', v1.key)).toMatchObject({
      version: 2,
      portalId: 'P-000001',
      provinceCode: '92',
    });
    expect((await stats()).tokensIssued).toBe(1);
    expect(events.filter((e) => e.type === 'token')).toEqual([{ type: 'token', reason: 'initial' }]);
  });

  it('fetches a new token and repeats the call once when the portal revokes tokens mid-run', async () => {
    const { client, events } = makeClient();
    await client.pushBatch('92', [organization(2)]);
    await faults({ tokenExpiry: true });
    const res = await client.pushBatch('92', [organization(3)]);
    expect(res.results[0].status).toBe('accepted');
    const s = await stats();
    expect(s.calls['POST /api/v1/batches 401']).toBe(1);
    expect(s.calls['POST /api/v1/batches 200']).toBe(2);
    expect(s.tokensIssued).toBe(2);
    expect(events.filter((e) => e.type === 'token').map((e) => (e as { reason: string }).reason)).toEqual([
      'initial',
      'invalid_token',
    ]);
  });

  it('refuses wrong credentials as a permanent PortalAuthError', async () => {
    const { client } = makeClient({}, { clientId: 'txng-hub-dev', clientSecret: 'wrong' });
    const error = await client.pushBatch('92', [organization(4)]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PortalAuthError);
    expect((error as PortalError).retryable).toBe(false);
  });

  it('waits out a 429 storm as Retry-After says, then succeeds', async () => {
    const { client, clock, events } = makeClient();
    await faults({ burst429: 3, retryAfterSeconds: 2 });
    const res = await client.pushBatch('92', [organization(5)]);
    expect(res.results[0].status).toBe('accepted');
    expect((await stats()).calls['POST /api/v1/batches 429']).toBe(3);
    expect(events.filter((e) => e.type === 'retry')).toEqual(
      Array(3).fill({ type: 'retry', route: 'batches', reason: '429', delayMs: 2000 }),
    );
    // The client really held back: its clock slept at least the 3 × 2 s the portal asked for.
    expect(clock.sleeps.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(5900);
  });

  it('hands back a retryable PortalRateLimitedError when the portal keeps refusing', async () => {
    const { client } = makeClient({ retry: { max429Waits: 2 } });
    await faults({ burst429: 5, retryAfterSeconds: 7 });
    const error = await client.getProvinceSummary('92').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PortalRateLimitedError);
    expect(error).toMatchObject({ retryable: true, retryAfterMs: 7000, code: 'portal_rate_limited' });
  });

  it('retries 5xx with growing backoff and succeeds; gives up with a retryable error after maxAttempts', async () => {
    const { client, events } = makeClient({ retry: { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1000 } });
    await faults({ errorNext: 2 });
    const ok = await client.pushBatch('92', [organization(6)]);
    expect(ok.results[0].status).toBe('accepted');
    expect(ok.batches[0].replayed).toBe(false);
    const delays = events.filter((e) => e.type === 'retry').map((e) => (e as { delayMs: number }).delayMs);
    expect(delays).toHaveLength(2);
    expect(delays[0]).toBeGreaterThanOrEqual(50);
    expect(delays[0]).toBeLessThanOrEqual(100);
    expect(delays[1]).toBeGreaterThanOrEqual(100);
    expect(delays[1]).toBeLessThanOrEqual(200);

    await faults({ errorNext: 10 });
    const error = await client.pushBatch('92', [organization(7)]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PortalTemporaryError);
    expect(error).toMatchObject({ retryable: true, attempts: 4 });
    expect([500, 502, 503, 504]).toContain((error as PortalTemporaryError).lastStatus);
    expect((await stats()).recordsHeld).toBe(1);
  });

  it('opens the breaker during an outage (fast failures), then closes it after a half-open probe', async () => {
    const { client, clock, events } = makeClient({
      retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 20 },
      breaker: { failureThreshold: 3, cooldownMs: 10_000 },
    });
    await client.getProvinceSummary('92');
    await faults({ outage: true });
    await expect(client.getProvinceSummary('92')).rejects.toBeInstanceOf(PortalTemporaryError);
    // The third consecutive failure opens the breaker in the middle of this call's retries.
    await expect(client.getProvinceSummary('92')).rejects.toBeInstanceOf(PortalUnavailableError);
    expect(client.breakerState).toBe('open');
    const before = (await stats()).calls['GET /api/v1/provinces/:code/summary 503'];
    expect(before).toBe(3);
    const fast = await client.pushBatch('92', [organization(8)]).catch((e: unknown) => e);
    expect(fast).toBeInstanceOf(PortalUnavailableError);
    // What is left of the 10 s cool-down (the client's virtual clock also slept the outage's Retry-After).
    expect((fast as PortalUnavailableError).retryAfterMs).toBeGreaterThan(0);
    expect((fast as PortalUnavailableError).retryAfterMs).toBeLessThanOrEqual(10_000);
    expect((fast as PortalUnavailableError).retryable).toBe(true);
    const s = await stats();
    expect(s.calls['GET /api/v1/provinces/:code/summary 503']).toBe(3);
    expect(s.calls['POST /api/v1/batches 503']).toBeUndefined();

    await faults({ outage: false });
    await expect(client.getProvinceSummary('92')).rejects.toBeInstanceOf(PortalUnavailableError);
    clock.advance(10_000);
    expect((await client.pushBatch('92', [organization(8)])).results[0].status).toBe('accepted');
    expect(client.breakerState).toBe('closed');
    expect(events.filter((e) => e.type === 'breaker').map((e) => (e as { state: string }).state)).toEqual([
      'open',
      'half-open',
      'closed',
    ]);
  });

  it('retries a batch stored but never acknowledged with the same key and gets the replay: stored once', async () => {
    const { client } = makeClient();
    await faults({ dropNext: 1, dropMode: 'after-store' });
    const records = [organization(9), event('SN009')];
    const res = await client.pushBatch('92', records);
    expect(res.results.map((r) => r.status)).toEqual(['accepted', 'accepted']);
    expect(res.batches).toEqual([
      {
        batchId: expect.any(String),
        idempotencyKey: batchIdempotencyKey('92', records),
        recordCount: 2,
        replayed: true,
      },
    ]);
    const s = await stats();
    expect(s).toMatchObject({ batchesStored: 1, replays: 1, recordsHeld: 2 });
    expect(s.calls['POST /api/v1/batches dropped']).toBe(1);
    expect(await client.getRecord('event', records[1].key)).toMatchObject({
      version: 1,
      portalId: res.results[1].portalId,
    });
  });

  it('chunks at 500 records, keeps the order, and resends the same chunks under the same keys', async () => {
    const { client } = makeClient();
    const records = Array.from({ length: 1203 }, (_, i) => organization(10_000 + i));
    const res = await client.pushBatch('92', records);
    expect(res.batches.map((b) => b.recordCount)).toEqual([500, 500, 203]);
    expect(res.results).toHaveLength(1203);
    expect(res.results.map((r) => r.key)).toEqual(records.map((r) => r.key));
    expect(res.results.every((r) => r.status === 'accepted')).toBe(true);
    const again = await client.pushBatch('92', records);
    expect(again.batches.map((b) => b.idempotencyKey)).toEqual(res.batches.map((b) => b.idempotencyKey));
    expect(again.batches.every((b) => b.replayed)).toBe(true);
    expect(await stats()).toMatchObject({ batchesStored: 3, replays: 3, recordsHeld: 1203 });
  });

  it('keeps at most maxInFlightPerProvince batch requests in flight per province', async () => {
    const { client } = makeClient({ maxInFlightPerProvince: 2, maxBatchRecords: 1 });
    await faults({ latencyMs: 40 });
    const of = (province: string, from: number) =>
      Array.from({ length: 8 }, (_, i) => organization(from + i, province));
    await Promise.all([client.pushBatch('92', of('92', 100)), client.pushBatch('79', of('79', 200))]);
    const s = await stats();
    expect(s.maxInFlightByProvince).toEqual({ '92': 2, '79': 2 });
    expect(s.batchesStored).toBe(16);
  });

  it('reads back records, the province summary digest and the prefix registry', async () => {
    const { client } = makeClient();
    const records = [organization(11), product(11), event('SN011')];
    await client.pushBatch('92', records);
    const summary = await client.getProvinceSummary('92');
    expect(summary.counts).toMatchObject({ organization: 1, product: 1, event: 1 });
    expect(summary.digest).toBe(
      summaryDigest(records.map((r) => ({ kind: r.kind, key: r.key, version: r.version }))),
    );
    expect(await client.getRecord('product', 'gtin:08939876000005')).toBeNull();
    expect(await client.lookupPrefix('893504900011')).toMatchObject({
      prefix: '8935049',
      status: 'active',
      owner: { taxCode: '0301234567' },
    });
    expect(await client.lookupPrefix('8935999')).toMatchObject({ status: 'revoked' });
    expect(await client.lookupPrefix('8939876')).toBeNull();
    await expect(client.lookupPrefix('893')).rejects.toBeInstanceOf(RangeError);
  });

  it('tells "registry unreachable" (retryable error) apart from "not registered" (null)', async () => {
    const { client } = makeClient({ retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 } });
    await client.getProvinceSummary('92');
    await faults({ outage: true });
    const error = await client.lookupPrefix('8939876').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PortalError);
    expect((error as PortalError).retryable).toBe(true);
  });

  it('raises distinct permanent errors for invalid_batch and idempotency_key_reused', async () => {
    const { client } = makeClient();
    const bad = { ...organization(12), key: 'org:0399999999' };
    const invalid = await client.pushBatch('92', [bad]).catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(InvalidBatchError);
    expect(invalid).toMatchObject({
      retryable: false,
      details: [expect.objectContaining({ path: '/records/0/key' })],
    });

    // Another body already sent under the key this batch derives: only a hub bug could do that.
    const records = [organization(13)];
    const token = (
      (await (
        await fetch(`${sim.url}/oauth/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'grant_type=client_credentials&client_id=txng-hub-dev&client_secret=txng-hub-dev-secret',
        })
      ).json()) as { access_token: string }
    ).access_token;
    await fetch(`${sim.url}/api/v1/batches`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'idempotency-key': batchIdempotencyKey('92', records),
      },
      body: JSON.stringify({ provinceCode: '92', records: [organization(14)] }),
    });
    const reused = await client.pushBatch('92', records).catch((e: unknown) => e);
    expect(reused).toBeInstanceOf(IdempotencyKeyReusedError);
    expect((reused as PortalError).retryable).toBe(false);
  });
});
