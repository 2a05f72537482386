import { type Queue } from 'bullmq';
import { type RunningPortalSim } from '../../apps/portal-sim/src/create-portal-sim';
import { admin, createActiveSource } from '../support/admin-client';
import { eventually, startSim, startSyncHub, type SyncHub } from '../support/sync-harness';
import { waitForQueuesToDrain } from '../support/wait-for-queues';
import { gtin13, passThroughSource, sendWebhook } from '../support/webhook-sources';

const OWNER_CT = '0301234567';
const OWNER_CM = '0309876543';
/** Not in the simulator's prefix registry (and the registry check is off): only KEY_CLAIMED can happen. */
const GTIN = gtin13('893987650001');
const product = (gtin: string, name: string, owner: string) => ({
  gtin,
  name,
  ownerTaxCode: owner,
  netContent: { value: 5, uom: 'KGM' },
});

interface ReceiptRecord {
  kind: string;
  key: string;
  version: number | null;
  status: string;
  findings: Array<{ code: string; message: string; path: string }>;
  portal: { version: number | null; syncedAt: string } | null;
  conflict: { id: string; code: string; otherProvinceCode: string | null } | null;
}

describe('receipts: what became of each webhook, read by the Center and by a province token (real PostgreSQL, Redis, portal simulator)', () => {
  let sim: RunningPortalSim;
  let hub: SyncHub;
  let ingest: Queue;
  let canTho: string; // viewer token for province 92
  let caMau: string; // viewer token for province 96
  let first: string;
  let claim: string;
  let again: string;
  const secrets: Record<string, string> = {};

  const drain = () => waitForQueuesToDrain([ingest], { timeoutMs: 30_000 });
  const receipt = (id: string, token?: string) => admin(hub.url, token).get(`/v1/admin/receipts/${id}`);

  beforeAll(async () => {
    sim = await startSim();
    hub = await startSyncHub(sim, { hubEnv: { PREFIX_REGISTRY_CHECK: 'off' } });
    ingest = hub.queue('ingest');
    for (const [key, province] of [
      ['rc-can-tho', '92'],
      ['rc-ca-mau', '96'],
    ]) {
      secrets[key] = await createActiveSource(hub.url, passThroughSource(key, province));
    }
    const token = async (provinces: string[]) =>
      (
        await admin(hub.url)
          .post('/v1/admin/tokens', { name: `Sở NN ${provinces.join(',')}`, role: 'viewer', provinces })
          .expect(201)
      ).body.token as string;
    canTho = await token(['92']);
    caMau = await token(['96']);

    first = await sendWebhook(hub.url, 'rc-can-tho', secrets['rc-can-tho'], {
      organizations: [{ taxCode: OWNER_CT, name: 'HTX Thới Lai', provinceCode: '92' }],
      products: [
        product(GTIN, 'Gạo ST25', OWNER_CT),
        // Wrong check digit: quarantined with its finding.
        product('8939876500019', 'Gạo sai mã', OWNER_CT),
      ],
    });
    await drain();
    claim = await sendWebhook(hub.url, 'rc-ca-mau', secrets['rc-ca-mau'], {
      products: [product(GTIN, 'Gạo ST25 (Cà Mau)', OWNER_CM)],
    });
    await drain();
    again = await sendWebhook(hub.url, 'rc-can-tho', secrets['rc-can-tho'], {
      products: [product(GTIN, 'Gạo ST25', OWNER_CT)],
    });
    await drain();
  });
  afterAll(async () => {
    await hub?.close();
    await sim?.close();
  });

  it('a receipt shows every record: accepted and synced with its portal version, quarantined with findings', async () => {
    const synced = await eventually(async () => {
      const res = await receipt(first).expect(200);
      const records = res.body.records as ReceiptRecord[];
      return records.find((r) => r.kind === 'product' && r.status === 'synced')
        ? (res.body as { processedAt: string; receivedAt: string; records: ReceiptRecord[] })
        : null;
    }, 30_000);
    expect(synced).toMatchObject({
      id: first,
      sourceKey: 'rc-can-tho',
      webhookId: expect.any(String),
      status: 'processed',
      error: null,
    });
    expect(new Date(synced.processedAt).getTime()).toBeGreaterThanOrEqual(
      new Date(synced.receivedAt).getTime(),
    );
    const records = synced.records;
    expect(records.map((r) => r.kind)).toEqual(['organization', 'product', 'product']);
    const good = records.find((r) => r.key === `gtin:0${GTIN}`)!;
    expect(good).toMatchObject({ version: 1, status: 'synced', conflict: null });
    // Warnings do not hold a record back; each finding has exactly the contract's fields.
    for (const f of good.findings) expect(Object.keys(f).sort()).toEqual(['code', 'message', 'path']);
    expect(good.portal).toEqual({ version: 1, syncedAt: expect.any(String) });
    const bad = records.find((r) => r.key.includes('8939876500019'))!;
    expect(bad).toMatchObject({ version: null, status: 'quarantined', portal: null, conflict: null });
    expect(bad.findings.length).toBeGreaterThan(0);
    expect(bad.findings[0]).toEqual({
      code: expect.any(String),
      message: expect.any(String),
      path: expect.any(String),
    });
  });

  it("a conflicting record names the other side's province and conflict, never its data", async () => {
    const res = await receipt(claim, caMau).expect(200);
    expect(res.body.records).toEqual([
      {
        kind: 'product',
        key: `gtin:0${GTIN}`,
        version: null,
        status: 'conflict',
        findings: expect.any(Array),
        portal: null,
        conflict: { id: expect.any(String), code: 'KEY_CLAIMED', otherProvinceCode: '92' },
        replayRunId: null,
      },
    ]);
    expect(res.body.records[0].findings).toEqual([
      {
        code: 'KEY_CLAIMED',
        message: expect.stringContaining('is already claimed by another owner'),
        path: '/ownerTaxCode',
      },
    ]);
    expect(JSON.stringify(res.body)).not.toContain(OWNER_CT);
    expect(JSON.stringify(res.body)).not.toContain('HTX Thới Lai');
    // The finding is as the pipeline wrote it, the same for the Center and the province: it names the
    // key, not its holder (the holder is on the conflict's sides for the Center, docs/security.md).
    const national = await receipt(claim).expect(200);
    expect(national.body.records[0].findings).toEqual(res.body.records[0].findings);
  });

  it('the same record sent again is a duplicate of the version it matched', async () => {
    const res = await receipt(again, canTho).expect(200);
    expect(res.body.records).toEqual([
      expect.objectContaining({ key: `gtin:0${GTIN}`, status: 'duplicate', version: 1, findings: [] }),
    ]);
  });

  it('a province token reads only its own receipts: another province’s is 404 like an unknown one', async () => {
    await receipt(claim, canTho).expect(404);
    await receipt(first, caMau).expect(404);
    await receipt('00000000-0000-4000-8000-000000000000', canTho).expect(404);
    const mine = await admin(hub.url, canTho).get('/v1/admin/receipts').expect(200);
    expect((mine.body.items as Array<{ id: string }>).map((r) => r.id)).toEqual([again, first]);
    const theirs = await admin(hub.url, canTho).get('/v1/admin/receipts?sourceKey=rc-ca-mau').expect(200);
    expect(theirs.body).toEqual({ items: [], nextCursor: null });
  });

  it('the list: newest first without records, filtered by source, status and since, paged by cursor', async () => {
    const all = await admin(hub.url).get('/v1/admin/receipts').expect(200);
    expect((all.body.items as Array<{ id: string }>).map((r) => r.id)).toEqual([again, claim, first]);
    expect(all.body.items[0]).toEqual({
      id: again,
      sourceKey: 'rc-can-tho',
      webhookId: expect.any(String),
      status: 'processed',
      receivedAt: expect.any(String),
      processedAt: expect.any(String),
      error: null,
    });
    const bySource = await admin(hub.url).get('/v1/admin/receipts?sourceKey=rc-ca-mau').expect(200);
    expect((bySource.body.items as Array<{ id: string }>).map((r) => r.id)).toEqual([claim]);
    const failed = await admin(hub.url).get('/v1/admin/receipts?status=failed').expect(200);
    expect(failed.body.items).toEqual([]);
    const later = new Date(Date.now() + 60_000).toISOString();
    expect((await admin(hub.url).get(`/v1/admin/receipts?since=${later}`).expect(200)).body.items).toEqual(
      [],
    );
    const since = all.body.items[1].receivedAt as string;
    const recent = await admin(hub.url)
      .get(`/v1/admin/receipts?since=${encodeURIComponent(since)}`)
      .expect(200);
    expect((recent.body.items as Array<{ id: string }>).map((r) => r.id)).toEqual([again, claim]);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await admin(hub.url)
        .get(`/v1/admin/receipts?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
        .expect(200);
      expect(page.body.items.length).toBeLessThanOrEqual(1);
      seen.push(...(page.body.items as Array<{ id: string }>).map((r) => r.id));
      cursor = page.body.nextCursor as string | null;
    } while (cursor);
    expect(seen).toEqual([again, claim, first]);
  });

  it('province tokens: current codes, viewer or operator only; whoami shows role and provinces', async () => {
    const create = (body: object) => admin(hub.url).post('/v1/admin/tokens', { name: 'Sở', ...body });
    await create({ role: 'admin', provinces: ['92'] }).expect(400);
    await create({ role: 'viewer', provinces: ['99'] }).expect(400); // not a current province
    await create({ role: 'viewer', provinces: ['64'] }).expect(400); // a pre-2025 code
    await create({ role: 'viewer', provinces: [] }).expect(400);
    await create({ role: 'viewer', provinces: '92' }).expect(400);
    const operator = await create({ role: 'operator', provinces: ['96', '92', '92'] }).expect(201);
    expect(operator.body).toMatchObject({ role: 'operator', provinces: ['92', '96'] });
    expect(
      (
        await admin(hub.url, operator.body.token as string)
          .get('/v1/admin/whoami')
          .expect(200)
      ).body,
    ).toEqual({
      name: 'Sở',
      role: 'operator',
      provinces: ['92', '96'],
    });
    expect((await admin(hub.url).get('/v1/admin/whoami').expect(200)).body).toMatchObject({
      provinces: null,
    });
    const listed = await admin(hub.url).get('/v1/admin/tokens').expect(200);
    expect(listed.body.items).toContainEqual(
      expect.objectContaining({ id: operator.body.id, provinces: ['92', '96'] }),
    );
  });

  it('refuses parameters it cannot read with 400', async () => {
    for (const query of ['status=done', 'since=yesterday', 'cursor=abc', 'limit=0']) {
      await admin(hub.url).get(`/v1/admin/receipts?${query}`).expect(400);
    }
    await receipt('not-a-uuid').expect(400);
  });
});
