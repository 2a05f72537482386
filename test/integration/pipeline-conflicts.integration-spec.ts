import request from 'supertest';
import { type Queue } from 'bullmq';
import { type Client } from 'pg';
import {
  CircuitBreakerRegistry,
  PORTAL_CLIENTS,
  PortalClient,
  type PortalClients,
} from '@txng/portal-client';
import { ReceiptsService } from '@txng/connectors';
import { PipelineSettings } from '@txng/jobs';
import { type RunningPortalSim } from '../../apps/portal-sim/src/create-portal-sim';
import { admin, createActiveSource, createToken } from '../support/admin-client';
import { startGateway, type GatewayHarness } from '../support/gateway-harness';
import { simAdmin, startSim } from '../support/portal-sim';
import { waitForQueuesToDrain } from '../support/wait-for-queues';
import { gtin13, passThroughSource, sendWebhook } from '../support/webhook-sources';

const OWNER_A = '0301234567'; // owns prefix 8935049 in the simulator's registry
const OWNER_B = '0309876543';
/** Not in the simulator's registry: only KEY_CLAIMED can happen under it. */
const FREE_PREFIX = '8939876';
const product = (gtin: string, name: string, owner = OWNER_A) => ({
  gtin,
  name,
  ownerTaxCode: owner,
  netContent: { value: 5, uom: 'KGM' },
});
const commissioning = (serial: string, readPoint: string, eventTime = '2025-07-31T08:00:00+07:00') => ({
  type: 'ObjectEvent',
  eventTime,
  eventTimeZoneOffset: '+07:00',
  epcList: [`https://id.gs1.org/01/08935049500018/21/${serial}`],
  action: 'ADD',
  bizStep: 'commissioning',
  disposition: 'active',
  readPoint: { id: readPoint },
});
const RP_1 = 'https://id.gs1.org/414/8935049000006';
const RP_2 = 'https://id.gs1.org/414/8934588000003';

describe('pipeline conflicts: all four codes and their resolution (real PostgreSQL, Redis and portal simulator)', () => {
  let sim: RunningPortalSim;
  let sims: ReturnType<typeof simAdmin>;
  let hub: GatewayHarness;
  let ingest: Queue;
  let db: Client;
  let viewerToken: string;
  let client: PortalClient;
  const secrets: Record<string, string> = {};

  const prefixCalls = async (): Promise<number> => {
    const stats = await sims.stats();
    return Object.entries(stats.calls as Record<string, number>)
      .filter(([route]) => route.includes('/registry/prefixes'))
      .reduce((n, [, count]) => n + count, 0);
  };

  const send = (source: string, envelope: unknown): Promise<string> =>
    sendWebhook(hub.url, source, secrets[source], envelope);
  const drain = () => waitForQueuesToDrain([ingest], { timeoutMs: 30_000 });
  const detail = (kind: string, key: string) =>
    admin(hub.url).get(`/v1/admin/records/${kind}/${encodeURIComponent(key)}`);
  const openConflict = async (key: string) => {
    const res = await admin(hub.url)
      .get(`/v1/admin/conflicts?status=open&key=${encodeURIComponent(key)}`)
      .expect(200);
    expect(res.body.items).toHaveLength(1);
    return res.body.items[0] as {
      id: string;
      code: string;
      key: string;
      incoming: { findings: Array<{ message: string }> };
    };
  };
  const resolve = (id: string, body: object, token?: string) =>
    admin(hub.url, token).post(`/v1/admin/conflicts/${id}/resolve`, body);

  /** Version 1 from OWNER_A through pl-a, then OWNER_B's claim through pl-b: an open KEY_CLAIMED. */
  async function keyClaimed(item: string): Promise<{ key: string; conflict: { id: string } }> {
    const gtin = gtin13(`${FREE_PREFIX}${item}`);
    await send('pc-a', { products: [product(gtin, `Gạo ${item}`)] });
    await drain();
    await send('pc-b', { products: [product(gtin, `Gạo ${item} (B)`, OWNER_B)] });
    await drain();
    const key = `gtin:0${gtin}`;
    const conflict = await openConflict(key);
    expect(conflict).toMatchObject({ code: 'KEY_CLAIMED', status: 'open' });
    // Each side with its claimant and where it came from: two sources of two provinces.
    expect((conflict as unknown as { sides: unknown }).sides).toMatchObject({
      existing: {
        what: 'record',
        party: { taxCode: OWNER_A },
        origin: { source: 'pc-a', provinceCode: '92' },
      },
      incoming: {
        what: 'record',
        party: { taxCode: OWNER_B },
        origin: { source: 'pc-b', provinceCode: '79' },
      },
    });
    return { key, conflict };
  }

  beforeAll(async () => {
    sim = await startSim();
    sims = simAdmin(sim);
    // Sync would move ready records on to `synced` while these specs look at them: a linger of an
    // hour keeps every (small) batch waiting. Sync has its own specs.
    hub = await startGateway({
      withWorkers: true,
      env: { PORTAL_BASE_URL: sim.url, SYNC_LINGER_MS: '3600000' },
    });
    const settings = hub.app.get(PipelineSettings, { strict: false });
    settings.prefixCheck = true;
    settings.holdRetryBaseMs = 300;
    settings.holdRetryMaxMs = 600;
    // The same client, with retries and the breaker's cool-down short enough for a test.
    const clients = hub.app.get<symbol, PortalClients>(PORTAL_CLIENTS, { strict: false });
    client = new PortalClient(
      { baseUrl: sim.url, clientId: 'txng-hub-dev', clientSecret: 'txng-hub-dev-secret' },
      {
        timeoutMs: 1000,
        retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 20, maxRetryAfterMs: 50 },
        breaker: { failureThreshold: 3, cooldownMs: 200 },
        breakers: new CircuitBreakerRegistry(),
      },
    );
    clients.production = client;
    for (const [key, province] of [
      ['pc-a', '92'],
      ['pc-b', '79'],
    ]) {
      secrets[key] = await createActiveSource(hub.url, passThroughSource(key, province));
    }
    viewerToken = (await createToken(hub.url, 'viewer', 'viewer')).token;
    ingest = hub.queue('ingest');
    db = await hub.db();
  });
  afterAll(async () => {
    await hub?.close();
    await client?.close();
    await sim?.close();
  });

  it('keep-existing: the arrival is rejected in conflict, the record stays, audited; a second resolve is 409', async () => {
    const { key, conflict } = await keyClaimed('00001');
    const res = await resolve(conflict.id, {
      decision: 'keep-existing',
      note: 'B is a reseller, not the owner',
    }).expect(200);
    expect(res.body).toMatchObject({
      id: conflict.id,
      status: 'resolved',
      decision: 'keep-existing',
      note: 'B is a reseller, not the owner',
      resolvedBy: expect.any(String),
      incoming: {
        status: 'rejected',
        version: null,
        findings: [
          expect.objectContaining({
            code: 'KEY_CLAIMED',
            message: expect.stringContaining('kept the existing'),
          }),
        ],
      },
    });
    const record = await detail('product', key).expect(200);
    expect(record.body).toMatchObject({ version: 1, status: 'ready', claimant: OWNER_A });
    await resolve(conflict.id, { decision: 'accept-incoming', note: 'changed my mind' }).expect(409);
    const audit = await admin(hub.url).get('/v1/admin/audit').expect(200);
    expect(audit.body.items).toContainEqual(
      expect.objectContaining({
        action: 'conflict.resolve',
        target: conflict.id,
        details: expect.objectContaining({
          decision: 'keep-existing',
          note: 'B is a reseller, not the owner',
        }),
      }),
    );
  });

  it('accept-incoming: the arrival becomes version 2, ready, and the claimant moves to it', async () => {
    const { key, conflict } = await keyClaimed('00002');
    await resolve(conflict.id, { decision: 'accept-incoming', note: 'ownership transferred' }).expect(200);
    const record = await detail('product', key).expect(200);
    expect(record.body).toMatchObject({ version: 2, status: 'ready', claimant: OWNER_B, source: 'pc-b' });
    expect(
      record.body.versions.map((v: { version: number; status: string }) => [v.version, v.status]),
    ).toEqual([
      [1, 'ready'],
      [2, 'ready'],
    ]);
    // The old holder is now the other claimant.
    const gtin = key.slice(6);
    await send('pc-a', { products: [product(gtin, 'Gạo 00002 mới')] });
    await drain();
    expect((await openConflict(key)).code).toBe('KEY_CLAIMED');
  });

  it('reject-both: the arrival and the unsent existing version are rejected, nothing of the key is left to send', async () => {
    const { key, conflict } = await keyClaimed('00003');
    const res = await resolve(conflict.id, { decision: 'reject-both', note: 'both are wrong' }).expect(200);
    expect(res.body).toMatchObject({ decision: 'reject-both', incoming: { status: 'rejected' } });
    const record = await detail('product', key).expect(200);
    expect(
      record.body.versions.map((v: { version: number | null; status: string }) => [v.version, v.status]),
    ).toEqual([
      [1, 'rejected'],
      [null, 'rejected'],
    ]);
    const { rows } = await db.query(`SELECT status FROM record WHERE kind = 'product' AND key = $1`, [key]);
    expect(rows[0].status).toBe('rejected');
  });

  it('lets exactly one of two concurrent resolutions win', async () => {
    const { key, conflict } = await keyClaimed('00004');
    const [a, b] = await Promise.all([
      resolve(conflict.id, { decision: 'accept-incoming', note: 'first' }),
      resolve(conflict.id, { decision: 'accept-incoming', note: 'second' }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const record = await detail('product', key).expect(200);
    expect(record.body.version).toBe(2);
    expect(record.body.versions).toHaveLength(2);
  });

  it('answers 403 to a viewer, 400 to a bad body, 404 to an unknown conflict', async () => {
    const { conflict } = await keyClaimed('00005');
    await resolve(conflict.id, { decision: 'keep-existing', note: 'viewer tries' }, viewerToken).expect(403);
    for (const body of [
      { decision: 'keep-both', note: 'x' },
      { decision: 'keep-existing' },
      { decision: 'keep-existing', note: '   ' },
      { decision: 'keep-existing', note: 'x'.repeat(2001) },
      { decision: 'keep-existing', note: 'x', extra: true },
    ]) {
      const res = await resolve(conflict.id, body).expect(400);
      expect(res.body).toMatchObject({ error: expect.any(String), message: expect.any(String) });
    }
    await resolve('0f8b3f3e-2a57-4c1c-9a7e-0d4f1b7d9e11', { decision: 'keep-existing', note: 'x' }).expect(
      404,
    );
    await resolve('not-a-uuid', { decision: 'keep-existing', note: 'x' }).expect(400);
    expect((await openConflict(`gtin:0${gtin13(`${FREE_PREFIX}00005`)}`)).id).toBe(conflict.id);
  });

  it('raises GTIN_PREFIX_OWNER for another owner or a revoked prefix; accept-incoming makes version 1', async () => {
    const wrongOwner = gtin13('893504970001');
    const revoked = gtin13('893599900001');
    const right = gtin13('893504970002');
    await send('pc-a', {
      products: [
        product(wrongOwner, 'Sai chủ', OWNER_B),
        product(revoked, 'Mã thu hồi', '0312345678'),
        product(right, 'Đúng chủ'),
      ],
    });
    await drain();
    const other = await openConflict(`gtin:0${wrongOwner}`);
    expect(other).toMatchObject({
      code: 'GTIN_PREFIX_OWNER',
      existing: null,
      incoming: { findings: [expect.objectContaining({ code: 'GTIN_PREFIX_OWNER', path: '/ownerTaxCode' })] },
    });
    expect(other.incoming.findings[0].message).toContain(OWNER_A);
    // A person can decide: the existing side is the registry's owner of the prefix, named, beside
    // the owner the incoming record names, each with where it came from.
    expect((other as unknown as { sides: unknown }).sides).toMatchObject({
      existing: {
        what: 'registry',
        registry: {
          prefix: '8935049',
          status: 'active',
          owner: { taxCode: OWNER_A, gln: '8935049000006', name: 'Công ty Cổ phần Thực phẩm Sài Gòn Xanh' },
        },
        party: {
          taxCode: OWNER_A,
          name: 'Công ty Cổ phần Thực phẩm Sài Gòn Xanh',
          gln: '8935049000006',
          status: 'active',
          from: 'registry',
        },
        origin: null,
      },
      incoming: {
        what: 'record',
        party: { taxCode: OWNER_B },
        origin: { source: 'pc-a', provinceCode: '92', receiptId: expect.any(String) },
      },
    });
    const rev = await openConflict(`gtin:0${revoked}`);
    expect(rev.incoming.findings[0].message).toContain('revoked');
    expect((rev as unknown as { sides: unknown }).sides).toMatchObject({
      existing: { what: 'registry', registry: { status: 'revoked' }, party: { status: 'revoked' } },
      incoming: { party: { taxCode: '0312345678' } },
    });
    await detail('product', `gtin:0${right}`).expect(200);

    await resolve(other.id, {
      decision: 'accept-incoming',
      note: 'licensed use, confirmed by GS1 VN',
    }).expect(200);
    const record = await detail('product', `gtin:0${wrongOwner}`).expect(200);
    expect(record.body).toMatchObject({ version: 1, status: 'ready', claimant: OWNER_B });
  });

  it('asks the registry once for many products of one prefix (the cache answers the rest)', async () => {
    await sims.reset();
    const before = await prefixCalls();
    const owner = '0100109106'; // 8934588
    await send('pc-a', {
      products: Array.from({ length: 20 }, (_, i) =>
        product(gtin13(`89345880${String(i).padStart(4, '0')}`), `Nông sản ${i}`, owner),
      ),
    });
    await drain();
    await send('pc-b', {
      products: Array.from({ length: 5 }, (_, i) =>
        product(gtin13(`89345881${String(i).padStart(4, '0')}`), `Nông sản B ${i}`, owner),
      ),
    });
    await drain();
    expect((await prefixCalls()) - before).toBe(1);
    const ready = await admin(hub.url)
      .get('/v1/admin/records?status=ready&kind=product&limit=500')
      .expect(200);
    expect(ready.body.items.filter((i: { key: string }) => i.key.startsWith('gtin:08934588'))).toHaveLength(
      25,
    );
    const metrics = await request(hub.url).get('/metrics').expect(200);
    expect(metrics.text).toMatch(/txng_pipeline_prefix_lookups_total\{result="hit"[^}]*\} (2[4-9]|[3-9]\d)/);
    expect(metrics.text).toMatch(/txng_pipeline_records_total\{outcome="new",kind="product"/);
  });

  it('holds products back while the registry is unreachable and completes them by itself when it answers', async () => {
    await sims.faults({ outage: true });
    try {
      await heldThenReleased();
    } finally {
      await sims.faults({ clear: true });
    }
  });

  it('finishes a held receipt whose delayed job was lost, found by the sweeper', async () => {
    await sims.faults({ outage: true });
    const gtin = gtin13('893601300004'); // 8936013, not asked before
    let receiptId = '';
    try {
      receiptId = await send('pc-a', { products: [product(gtin, 'Gạo lứt', '1800156801')] });
      // Held: the product waits in held_item and its job sits in the delayed set.
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline) {
        const state = await (await ingest.getJob(`receipt.${receiptId}`))?.getState();
        const held = await db.query('SELECT count(*)::int AS n FROM held_item WHERE receipt_id = $1', [
          receiptId,
        ]);
        if (state === 'delayed' && held.rows[0].n === 1) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      // Redis loses the delayed job that would re-check the product.
      await (await ingest.getJob(`receipt.${receiptId}`))?.remove();
    } finally {
      await sims.faults({ clear: true });
    }
    // Longer than the longest hold delay: had a job survived, it would have re-checked by now.
    await new Promise((r) =>
      setTimeout(r, hub.app.get(PipelineSettings, { strict: false }).holdRetryMaxMs + 200),
    );
    await drain();
    expect((await detail('product', `gtin:0${gtin}`).expect(200)).body.status).toBe('received');

    const receipts = hub.app.get(ReceiptsService);
    expect(await receipts.sweepHeld(60_000)).toBe(0); // checked moments ago: not stale yet
    expect(await receipts.sweepHeld(0)).toBe(1);
    await drain();
    const record = await detail('product', `gtin:0${gtin}`).expect(200);
    expect(record.body).toMatchObject({ version: 1, status: 'ready', receiptId });
    expect(
      (await db.query('SELECT count(*)::int AS n FROM held_item WHERE receipt_id = $1', [receiptId])).rows[0]
        .n,
    ).toBe(0);
  });

  it('a receipt held back for the registry does not hold back the later receipts of its source', async () => {
    await sims.faults({ outage: true });
    const gtin = gtin13('893601400007'); // 8936014, not asked before
    try {
      const heldId = await send('pc-a', { products: [product(gtin, 'Gạo tám', '1800156802')] });
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline) {
        const held = await db.query('SELECT count(*)::int AS n FROM held_item WHERE receipt_id = $1', [
          heldId,
        ]);
        if (held.rows[0].n === 1) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      // Its records wait for the registry; the source's next receipt is judged meanwhile.
      const later = await send('pc-a', {
        organizations: [{ taxCode: '1800156802', name: 'HTX Tám Thơm', provinceCode: '92' }],
      });
      const laterBy = Date.now() + 10_000;
      let status = '';
      while (status !== 'processed' && Date.now() < laterBy) {
        status = (await db.query('SELECT status FROM receipt WHERE id = $1', [later])).rows[0].status;
        if (status !== 'processed') await new Promise((r) => setTimeout(r, 50));
      }
      expect(status).toBe('processed');
      expect((await db.query('SELECT status FROM receipt WHERE id = $1', [heldId])).rows[0].status).toBe(
        'processing',
      );
    } finally {
      await sims.faults({ clear: true });
    }
    await drain();
    expect((await detail('product', `gtin:0${gtin}`).expect(200)).body).toMatchObject({ version: 1 });
  });

  async function heldThenReleased(): Promise<void> {
    const gtin = gtin13('893601200001'); // 8936012, not asked before
    const receiptId = await send('pc-a', {
      organizations: [{ taxCode: '1800156801', name: 'HTX Cờ Đỏ', provinceCode: '92' }],
      products: [product(gtin, 'Gạo sạch', '1800156801')],
    });
    // Held: the job waits in the delayed set, the product has no version, the organization went on.
    const deadline = Date.now() + 10_000;
    let receipt: { status: string; error: string | null } | undefined;
    while (Date.now() < deadline) {
      receipt = (await db.query('SELECT status, error FROM receipt WHERE id = $1', [receiptId])).rows[0];
      if (receipt?.error?.includes('held back')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(receipt).toMatchObject({ status: 'processing', error: expect.stringContaining('held back') });
    // Visible while it waits: `received`, with why, and no version yet.
    const waiting = await detail('product', `gtin:0${gtin}`).expect(200);
    expect(waiting.body).toMatchObject({ status: 'received', version: null, versions: [], receiptId });
    expect(waiting.body.findings[0]).toMatchObject({ code: 'HELD_BACK' });
    await detail('organization', 'org:1800156801').expect(200);
    // At least one more held-back run: the job's hold counter moves past its first hold.
    const holdsBy = Date.now() + 10_000;
    let holds = 0;
    while (holds < 2 && Date.now() < holdsBy) {
      holds = Number((await ingest.getJob(`receipt.${receiptId}`))?.data.holds ?? 0);
      if (holds < 2) await new Promise((r) => setTimeout(r, 50));
    }
    expect(holds).toBeGreaterThanOrEqual(2);
    const listed = await admin(hub.url)
      .get(`/v1/admin/records?status=received&key=gtin:0${gtin}`)
      .expect(200);
    expect(listed.body.items).toHaveLength(1); // held again, still one row
    expect(listed.body.items[0]).toMatchObject({ status: 'received', source: 'pc-a', receiptId });

    await sims.faults({ clear: true });
    await drain();
    const record = await detail('product', `gtin:0${gtin}`).expect(200);
    expect(record.body).toMatchObject({ version: 1, status: 'ready', receiptId });
    expect(record.body.received).toEqual([]);
    const after = await admin(hub.url).get(`/v1/admin/records?status=received&key=gtin:0${gtin}`).expect(200);
    expect(after.body.items).toEqual([]);
    expect((await db.query('SELECT status, error FROM receipt WHERE id = $1', [receiptId])).rows[0]).toEqual({
      status: 'processed',
      error: null,
    });
  }

  it('raises EVENT_ID_REUSED; accept-incoming accepts the new event and moves the eventID to it', async () => {
    const eventID = 'urn:uuid:1d0a7c4e-9c4b-4a53-9f62-2f4b9b1d1a77';
    const base = commissioning('EV1', RP_1);
    await send('pc-a', { events: [{ ...base, bizStep: 'shipping', action: 'OBSERVE', eventID }] });
    await drain();
    await send('pc-a', {
      events: [
        { ...base, bizStep: 'shipping', action: 'OBSERVE', eventID, eventTime: '2025-07-31T09:00:00+07:00' },
      ],
    });
    await drain();
    const list = await admin(hub.url).get('/v1/admin/conflicts?status=open').expect(200);
    const conflict = list.body.items.find((c: { code: string }) => c.code === 'EVENT_ID_REUSED');
    expect(conflict).toMatchObject({
      kind: 'event',
      status: 'open',
      key: expect.stringMatching(/^ni:\/\/\/sha-256;/),
    });
    await resolve(conflict.id, { decision: 'accept-incoming', note: 'the source corrected the time' }).expect(
      200,
    );
    const record = await detail('event', conflict.key).expect(200);
    expect(record.body).toMatchObject({ version: 1, status: 'ready' });
    const { rows } = await db.query('SELECT event_key FROM event_identifier WHERE event_id = $1', [eventID]);
    expect(rows[0].event_key).toBe(conflict.key);
  });

  it('raises SERIAL_RECOMMISSIONED for a serial commissioned again elsewhere; accept-incoming moves the serial', async () => {
    await send('pc-a', { events: [commissioning('SER-1', RP_1)] });
    await drain();
    // Same place and owner again (another time): a new event, not a conflict.
    await send('pc-a', { events: [commissioning('SER-1', RP_1, '2025-07-31T08:30:00+07:00')] });
    await drain();
    let list = await admin(hub.url).get('/v1/admin/conflicts?status=open').expect(200);
    expect(list.body.items.filter((c: { code: string }) => c.code === 'SERIAL_RECOMMISSIONED')).toHaveLength(
      0,
    );
    // Another readPoint: conflict.
    await send('pc-b', { events: [commissioning('SER-1', RP_2, '2025-07-31T10:00:00+07:00')] });
    await drain();
    list = await admin(hub.url).get('/v1/admin/conflicts?status=open').expect(200);
    const conflict = list.body.items.find((c: { code: string }) => c.code === 'SERIAL_RECOMMISSIONED');
    expect(conflict).toMatchObject({
      kind: 'event',
      existing: { version: 1, data: { readPoint: { id: RP_1 } } },
      incoming: { status: 'conflict', findings: [expect.objectContaining({ path: '/epcList/0' })] },
    });
    await resolve(conflict.id, {
      decision: 'accept-incoming',
      note: 'the first commissioning was a mistake',
    }).expect(200);
    expect((await detail('event', conflict.key).expect(200)).body).toMatchObject({
      version: 1,
      status: 'ready',
    });
    const { rows } = await db.query(
      'SELECT event_key, read_point FROM commissioned_serial WHERE sgtin = $1',
      ['https://id.gs1.org/01/08935049500018/21/SER-1'],
    );
    expect(rows).toEqual([{ event_key: conflict.key, read_point: RP_2 }]);
  });
});
