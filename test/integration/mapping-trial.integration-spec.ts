import { admin } from '../support/admin-client';
import { startGateway, type GatewayHarness } from '../support/gateway-harness';
import { waitForQueuesToDrain } from '../support/wait-for-queues';
import { sendWebhook } from '../support/webhook-sources';

const LIVE =
  '{ "products": products.{ "gtin": gtin, "name": name, "ownerTaxCode": owner, "netContent": { "value": kg, "uom": "KGM" } } }';
const DRAFT = LIVE.replace('"value": kg', '"value": $exists(kg) ? kg : weight');
const product = (gtin: string, extra: Record<string, unknown>) => ({
  products: [{ gtin, name: 'Gạo ST25', owner: '0301234567', origin: 'Sóc Trăng', ...extra }],
});

interface Trial {
  read: { receipts: number; bytes: number; purged: number; stoppedBy: string | null };
  counts: Record<string, number>;
  fixesQuarantined: number;
  findings: Array<{ code: string; live: number; draft: number }>;
  changes: Array<{ key: string; change: string; storedStatus: string | null }>;
  affectedReceipts: string[];
  unreadFields: Array<{ path: string; payloads: number }> | null;
}

describe('mapping trial: a draft tried on the stored payloads before it goes live (real PostgreSQL and Redis)', () => {
  let hub: GatewayHarness;
  let quarantinedReceipt: string;
  const SOURCE = 'trial-can-tho';
  const tryIt = (body: object, token?: string) =>
    admin(hub.url, token).post(`/v1/admin/sources/${SOURCE}/try-mapping`, body);

  beforeAll(async () => {
    hub = await startGateway({ withWorkers: true });
    const created = await admin(hub.url)
      .post('/v1/admin/sources', {
        key: SOURCE,
        provinceCode: '92',
        name: 'Nguồn thử ánh xạ',
        kind: 'webhook',
        format: 'json',
        rateLimitPerMinute: 100000,
        mapping: { language: 'jsonata', expression: LIVE },
      })
      .expect(201);
    const secret = created.body.webhookSecret as string;
    await admin(hub.url).post(`/v1/admin/sources/${SOURCE}/activate`).expect(200);
    await sendWebhook(hub.url, SOURCE, secret, product('8935049500018', { kg: 5 }));
    await sendWebhook(hub.url, SOURCE, secret, product('8935049500025', { kg: 2 }));
    // The province renamed kg to weight: quarantined under the mapping in force.
    quarantinedReceipt = await sendWebhook(hub.url, SOURCE, secret, product('8935049500032', { weight: 3 }));
    await waitForQueuesToDrain([hub.queue('ingest')], { timeoutMs: 30_000 });
  }, 90_000);
  afterAll(async () => {
    await hub?.close();
  });

  it('shows what the draft fixes, the findings that go, and the fields it never reads', async () => {
    const res = await tryIt({ expression: DRAFT }).expect(200);
    const trial = res.body as Trial;
    expect(trial.read).toMatchObject({ receipts: 3, purged: 0, stoppedBy: null });
    expect(trial.read.bytes).toBeGreaterThan(0);
    expect(trial.counts).toEqual({ fixed: 1, broken: 0, changed: 0, appeared: 0, disappeared: 0 });
    expect(trial.fixesQuarantined).toBe(1);
    expect(trial.changes).toEqual([
      expect.objectContaining({ key: 'gtin:08935049500032', change: 'fixed', storedStatus: 'quarantined' }),
    ]);
    expect(trial.affectedReceipts).toEqual([quarantinedReceipt]);
    // The finding the quarantined product had is gone with the draft.
    const gone = trial.findings.filter((f) => f.live > f.draft);
    expect(gone.length).toBeGreaterThan(0);
    expect(trial.findings.every((f) => f.draft <= f.live)).toBe(true);
    // "origin" is sent in every payload and read by neither mapping.
    expect(trial.unreadFields).toEqual([{ path: 'products[].origin', payloads: 3 }]);
  });

  it('reads the live mapping as unchanged when the draft is the same, and names the unread field it drops', async () => {
    const same = (await tryIt({ expression: LIVE }).expect(200)).body as Trial;
    expect(same.counts).toEqual({ fixed: 0, broken: 0, changed: 0, appeared: 0, disappeared: 0 });
    expect(same.affectedReceipts).toEqual([]);
    expect(same.unreadFields).toEqual([
      { path: 'products[].origin', payloads: 3 },
      { path: 'products[].weight', payloads: 1 },
    ]);
    // A draft that stops reading the name breaks every record it made clean.
    const broken = (await tryIt({ expression: DRAFT.replace('"name": name', '"label": name') }).expect(200))
      .body as Trial;
    expect(broken.counts.broken + broken.counts.changed).toBeGreaterThan(0);
  });

  it('bounds the work: the newest N receipts only, and refuses bad bodies and non-admins', async () => {
    const two = (await tryIt({ expression: DRAFT, receipts: 2 }).expect(200)).body as Trial;
    expect(two.read.receipts).toBe(2);
    await tryIt({ expression: DRAFT, receipts: 501 }).expect(400);
    await tryIt({ receipts: 2 }).expect(400);
    const viewer = (
      await admin(hub.url).post('/v1/admin/tokens', { name: 'xem', role: 'viewer' }).expect(201)
    ).body.token as string;
    await tryIt({ expression: DRAFT }, viewer).expect(403);
  });
});
