import { randomBytes } from 'node:crypto';
import { CALLBACK_PATH } from '@txng/simulators';
import { type RunningPortalSim } from '../../apps/portal-sim/src/create-portal-sim';
import {
  type RunningCallbackReceiver,
  startCallbackReceiver,
} from '../../apps/province-sim/src/callback-receiver';
import { admin } from '../support/admin-client';
import { freePort } from '../support/ports';
import { eventually, startSim, startSyncHub, type SyncHub } from '../support/sync-harness';
import { gtin13, passThroughSource, sendWebhook } from '../support/webhook-sources';
import { signWebhook } from '../support/webhook-signer';

/**
 * The demo's callback-verifying province (apps/province-sim, docs/demo.md) against the real hub:
 * the hub signs, the simulator's endpoint verifies with `standardwebhooks` and prints what became
 * of its records; what does not verify is refused and not believed.
 */
const OWNER = '0301234567'; // owns prefix 8935049 in the simulator's registry
const EVENTS = ['receipt.processed', 'receipt.synced', 'conflict.resolved'];
const FAST = {
  CALLBACK_RETRY_DELAYS_SECONDS: '1,1,1',
  CALLBACK_SCAN_EVERY_MS: '200',
  CALLBACK_TIMEOUT_MS: '2000',
};

describe("the province simulator's callback endpoint, called back by the real hub", () => {
  let sim: RunningPortalSim;
  let hub: SyncHub;
  let province: RunningCallbackReceiver;
  let callbackSecret: string;
  const lines: string[] = [];
  const line = (what: string, match: (l: string) => boolean, timeoutMs = 30_000): Promise<string> =>
    eventually(() => Promise.resolve(lines.find(match)), timeoutMs, what);

  beforeAll(async () => {
    sim = await startSim();
    hub = await startSyncHub(sim, { hubEnv: FAST });
  });
  afterAll(async () => {
    await province?.close();
    await hub?.close();
    await sim?.close();
  });

  it('verifies receipt.processed, receipt.synced and conflict.resolved and says what became of its records', async () => {
    const port = await freePort();
    const created = await admin(hub.url)
      .post('/v1/admin/sources', {
        ...passThroughSource('can-tho-callbacks', '92'),
        callback: { url: `http://127.0.0.1:${port}${CALLBACK_PATH}`, events: EVENTS },
      })
      .expect(201);
    await admin(hub.url).post('/v1/admin/sources/can-tho-callbacks/activate').expect(200);
    callbackSecret = created.body.callbackSecret as string;
    province = await startCallbackReceiver({
      host: '127.0.0.1',
      port,
      path: CALLBACK_PATH,
      secret: callbackSecret,
      province: 'Cần Thơ',
      log: (l) => lines.push(l),
    });

    const good = gtin13('893504900031');
    const bad = `${good.slice(0, 12)}${(Number(good[12]) + 1) % 10}`; // the check digit off by one
    const receiptId = await sendWebhook(
      hub.url,
      'can-tho-callbacks',
      created.body.webhookSecret as string,
      {
        products: [
          {
            gtin: good,
            name: 'Gạo ST25 túi 5 kg',
            ownerTaxCode: OWNER,
            netContent: { value: 5, uom: 'KGM' },
          },
          { gtin: bad, name: 'Gạo thơm túi 2 kg', ownerTaxCode: OWNER, netContent: { value: 2, uom: 'KGM' } },
        ],
      },
      { id: 'msg_can_tho_callbacks_1' },
    );
    const receipt = `Cần Thơ: receipt ${receiptId.slice(0, 8)} (msg_can_tho_callbacks_1)`;

    const processed = await line('receipt.processed reported', (l) => l.startsWith(`${receipt} processed:`));
    // The warnings both products carry (the owner's fictional tax code…) are not told as reasons.
    expect(processed).toBe(`${receipt} processed: 1 accepted, 1 quarantined (GTIN_FORMAT)`);
    expect(await line('receipt.synced reported', (l) => l.startsWith(`${receipt} synced:`))).toBe(
      `${receipt} synced: 1 record at the National Portal`,
    );

    // Another province claims the same GTIN; the Center keeps Cần Thơ's record.
    const trader = await admin(hub.url)
      .post('/v1/admin/sources', passThroughSource('vinh-long-trader', '86'))
      .expect(201);
    await admin(hub.url).post('/v1/admin/sources/vinh-long-trader/activate').expect(200);
    await sendWebhook(hub.url, 'vinh-long-trader', trader.body.webhookSecret as string, {
      products: [
        {
          gtin: good,
          name: 'Gạo ST25 (nhãn riêng)',
          ownerTaxCode: '0309876543',
          netContent: { value: 5, uom: 'KGM' },
        },
      ],
    });
    const db = await hub.db();
    const conflict = await eventually(async () => {
      const rows = await db.query<{ id: string; key: string; code: string }>(
        `SELECT c.id, c.key, c.code FROM conflict c JOIN record_version v ON v.id = c.incoming_version_id
          WHERE v.source_key = 'vinh-long-trader' AND c.status = 'open'`,
      );
      return rows.rows[0];
    });
    await admin(hub.url)
      .post(`/v1/admin/conflicts/${conflict.id}/resolve`, {
        decision: 'keep-existing',
        note: 'Mã thuộc HTX Cần Thơ',
      })
      .expect(200);
    expect(await line('conflict.resolved reported', (l) => l.includes(' resolved: '))).toBe(
      `Cần Thơ: conflict ${conflict.code} on ${conflict.key} with province 86 resolved: keep-existing ` +
        '("Mã thuộc HTX Cần Thơ"); our existing product is now synced',
    );

    expect(province.stats).toEqual({
      verified: { 'receipt.processed': 1, 'receipt.synced': 1, 'conflict.resolved': 1 },
      refused: 0,
      repeated: 0,
    });
    // The hub saw each delivered at the first attempt: the endpoint answered 2xx once verified. The
    // hub records the answer after the province has printed its line, so it is read until all are in.
    type Delivery = { id: string; type: string; status: string; attempts: unknown[] };
    const deliveries = await eventually(
      async () => {
        const items = (await admin(hub.url).get('/v1/admin/sources/can-tho-callbacks/deliveries').expect(200))
          .body.items as Delivery[];
        return items.length === 3 && items.every((d) => d.status !== 'pending') ? items : undefined;
      },
      20_000,
      'three deliveries recorded',
    );
    expect(deliveries.map((d) => [d.type, d.status, d.attempts.length]).sort()).toEqual([
      ['conflict.resolved', 'delivered', 1],
      ['receipt.processed', 'delivered', 1],
      ['receipt.synced', 'delivered', 1],
    ]);

    // Redelivered by hand: acknowledged, and not told twice.
    const told = lines.length;
    const first = deliveries.find((d) => d.type === 'receipt.processed')!;
    await admin(hub.url)
      .post(`/v1/admin/sources/can-tho-callbacks/deliveries/${first.id}/redeliver`)
      .expect(202);
    await eventually(() => Promise.resolve(province.stats.repeated === 1), 10_000, 'redelivery answered');
    expect(lines.length).toBe(told);
  });

  it('refuses what does not verify (body changed after signing, another secret, no signature, too old) and reports none of it', async () => {
    const before = { lines: lines.length, verified: { ...province.stats.verified } };
    const body = JSON.stringify({
      type: 'receipt.processed',
      timestamp: new Date().toISOString(),
      data: { id: '00000000-0000-4000-8000-000000000000', status: 'processed', records: [] },
    });
    const post = async (raw: string, headers: Record<string, string>): Promise<number> =>
      (
        await fetch(province.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: raw,
        })
      ).status;

    const signed = signWebhook(callbackSecret, body, { id: 'msg_forged_1' });
    const tampered = body.replace('"records":[]', '"records":[{"kind":"product","status":"ready"}]');
    expect(await post(tampered, signed)).toBe(401);
    const stranger = `whsec_${randomBytes(24).toString('base64')}`;
    expect(await post(body, signWebhook(stranger, body, { id: 'msg_forged_2' }))).toBe(401);
    expect(await post(body, { 'webhook-id': 'msg_forged_3' })).toBe(401);
    const old = Math.floor(Date.now() / 1000) - 3600;
    expect(await post(body, signWebhook(callbackSecret, body, { id: 'msg_forged_4', timestamp: old }))).toBe(
      401,
    );

    expect(province.stats.refused).toBe(4);
    expect(province.stats.verified).toEqual(before.verified);
    const refused = lines.slice(before.lines);
    expect(refused).toHaveLength(4);
    refused.forEach((l, i) =>
      expect(l).toMatch(
        new RegExp(
          `^Cần Thơ: refused a callback that did not verify \\(.+; webhook-id msg_forged_${i + 1}\\)$`,
        ),
      ),
    );

    // The same body as signed, untouched, verifies: what was refused was the tampering.
    expect(await post(body, signed)).toBe(204);
    expect(lines.slice(before.lines + 4)).toEqual(['Cần Thơ: receipt 00000000 processed: 0 accepted']);
  });
});
