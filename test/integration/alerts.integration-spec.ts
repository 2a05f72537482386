import request from 'supertest';
import { type Client } from 'pg';
import { ADMIN_TOKEN, admin } from '../support/admin-client';
import { startGateway, type GatewayHarness } from '../support/gateway-harness';
import { eventually } from '../support/sync-harness';
import { gtin13, passThroughSource, sendWebhook } from '../support/webhook-sources';

interface Alert {
  id: string;
  code: string;
  provinceCode: string | null;
  sourceKey: string | null;
  since: string;
  message: string;
}

describe('alerts: GET /v1/admin/alerts and /metrics (real PostgreSQL and Redis, a portal that does not answer)', () => {
  let hub: GatewayHarness;
  let db: Client;
  const alerts = async (): Promise<Alert[]> =>
    (await admin(hub.url).get('/v1/admin/alerts').expect(200)).body.items as Alert[];
  const alertOf = (code: string, sourceKey: string | null = null) =>
    eventually(
      async () =>
        (await alerts()).find((a) => a.code === code && (sourceKey === null || a.sourceKey === sourceKey)),
      20_000,
      code,
    );

  beforeAll(async () => {
    hub = await startGateway({
      withWorkers: true,
      env: {
        // Nothing listens on port 9: the portal is unreachable and versions wait.
        PORTAL_BASE_URL: 'http://127.0.0.1:9',
        ALERT_CHECK_EVERY_MS: '300',
        ALERT_QUARANTINE_RATE: '0.5',
        ALERT_QUARANTINE_MIN_RECORDS: '3',
        ALERT_SYNC_LAG_SECONDS: '1',
        ALERT_CALLBACK_FAILING_SECONDS: '0',
        ALERT_PORTAL_UNREACHABLE_SECONDS: '0',
        CALLBACK_RETRY_DELAYS_SECONDS: '60',
        CALLBACK_SCAN_EVERY_MS: '200',
      },
    });
    db = await hub.db();
  });
  afterAll(async () => {
    await hub?.close();
  });

  it('raises each alert with its province, source and since, and ends SOURCE_STALE when the source delivers', async () => {
    const created = await admin(hub.url)
      .post('/v1/admin/sources', {
        ...passThroughSource('al-source', '92'),
        expectedIntervalMinutes: 5,
        // 127.0.0.2 is outside the tests' OUTBOUND_ALLOWLIST: every delivery fails.
        callback: { url: 'http://127.0.0.2:9/cb', events: ['receipt.processed'] },
      })
      .expect(201);
    expect(created.body.expectedIntervalMinutes).toBe(5);
    await admin(hub.url).post('/v1/admin/sources/al-source/activate').expect(200);
    const secret = created.body.webhookSecret as string;
    expect((await alerts()).filter((a) => a.sourceKey === 'al-source')).toEqual([]);

    await sendWebhook(hub.url, 'al-source', secret, {
      products: [
        { gtin: '1', name: 'Lỗi một' },
        { gtin: '2', name: 'Lỗi hai' },
        { gtin: '3', name: 'Lỗi ba' },
        {
          gtin: gtin13('893504900001'),
          name: 'Gạo',
          ownerTaxCode: '0301234567',
          netContent: { value: 5, uom: 'KGM' },
        },
      ],
    });
    const quarantine = await alertOf('QUARANTINE_RATE', 'al-source');
    expect(quarantine).toMatchObject({ id: 'QUARANTINE_RATE:al-source', provinceCode: '92' });
    expect(quarantine.message).toMatch(/3 of 4 records/);
    const callback = await alertOf('CALLBACK_FAILING', 'al-source');
    expect(callback.provinceCode).toBe('92');
    const portal = await alertOf('PORTAL_UNREACHABLE');
    expect(portal).toMatchObject({ provinceCode: null, sourceKey: null });
    const lag = await alertOf('SYNC_LAG');
    expect(lag.message).toMatch(/wait for the portal/);

    // Ten minutes of silence since the source last brought anything.
    await db.query(
      `UPDATE source SET last_receipt_at = now() - interval '10 minutes', activated_at = now() - interval '20 minutes' WHERE key = 'al-source'`,
    );
    const stale = await alertOf('SOURCE_STALE', 'al-source');
    expect(Date.now() - new Date(stale.since).getTime()).toBeGreaterThan(4 * 60_000);
    const firstSince = stale.since;
    await new Promise((r) => setTimeout(r, 800));
    expect((await alerts()).find((a) => a.id === 'SOURCE_STALE:al-source')?.since).toBe(firstSince);

    const metrics = await request(hub.url).get('/metrics').expect(200);
    for (const code of [
      'SOURCE_STALE',
      'QUARANTINE_RATE',
      'CALLBACK_FAILING',
      'PORTAL_UNREACHABLE',
      'SYNC_LAG',
    ])
      expect(metrics.text).toMatch(new RegExp(`txng_alerts_active\\{code="${code}"[^}]*\\} [1-9]`));
    expect(metrics.text).toMatch(
      /txng_alert\{code="QUARANTINE_RATE",province_code="92",source_key="al-source"[^}]*\} 0\.75/,
    );

    await db.query(`UPDATE source SET last_receipt_at = now() WHERE key = 'al-source'`);
    await eventually(
      async () => !(await alerts()).some((a) => a.id === 'SOURCE_STALE:al-source'),
      10_000,
      'SOURCE_STALE ended',
    );
  });

  it('counts silence from activation when a source has brought nothing yet', async () => {
    await admin(hub.url)
      .post('/v1/admin/sources', { ...passThroughSource('al-quiet', '80'), expectedIntervalMinutes: 1 })
      .expect(201);
    await admin(hub.url).post('/v1/admin/sources/al-quiet/activate').expect(200);
    await new Promise((r) => setTimeout(r, 700));
    expect((await alerts()).some((a) => a.sourceKey === 'al-quiet')).toBe(false);
    await db.query(`UPDATE source SET activated_at = now() - interval '3 minutes' WHERE key = 'al-quiet'`);
    const stale = await alertOf('SOURCE_STALE', 'al-quiet');
    expect(stale.provinceCode).toBe('80');
  });

  it("answers a province token its provinces' alerts and the portal's, never another province's", async () => {
    const tokenOf = async (province: string): Promise<string> =>
      (
        await admin(hub.url)
          .post('/v1/admin/tokens', { name: `Tỉnh ${province}`, role: 'viewer', provinces: [province] })
          .expect(201)
      ).body.token as string;
    const seen = async (token: string): Promise<string[]> =>
      ((await admin(hub.url, token).get('/v1/admin/alerts').expect(200)).body.items as Alert[])
        .map((a) => a.id)
        .sort();
    // Both tests above left their alerts standing: al-source's in 92, al-quiet's in 80.
    await alertOf('SOURCE_STALE', 'al-quiet');
    await alertOf('QUARANTINE_RATE', 'al-source');
    expect(await seen(await tokenOf('80'))).toEqual(['PORTAL_UNREACHABLE', 'SOURCE_STALE:al-quiet']);
    const canTho = await seen(await tokenOf('92'));
    expect(canTho).toEqual(expect.arrayContaining(['PORTAL_UNREACHABLE', 'QUARANTINE_RATE:al-source']));
    expect(canTho.filter((id) => id.includes('al-quiet') || id.endsWith(':80'))).toEqual([]);
    // The Center reads them all.
    expect(await seen(ADMIN_TOKEN)).toEqual(
      expect.arrayContaining(['PORTAL_UNREACHABLE', 'QUARANTINE_RATE:al-source', 'SOURCE_STALE:al-quiet']),
    );
  });
});
