import { type Client } from 'pg';
import { type RunningPortalSim } from '../../apps/portal-sim/src/create-portal-sim';
import { admin } from '../support/admin-client';
import { CallbackReceiver } from '../support/callback-receiver';
import { eventually, startSim, startSyncHub, type SyncHub } from '../support/sync-harness';
import { createTestEnv, type TestEnv } from '../support/test-env';
import { gtin13, passThroughSource, sendWebhook } from '../support/webhook-sources';

const OWNER = '0301234567'; // owns prefix 8935049 in the simulator's registry
const product = (item: string, name: string, owner = OWNER) => ({
  gtin: gtin13(`8935049${item.padStart(5, '0')}`),
  name,
  ownerTaxCode: owner,
  netContent: { value: 5, uom: 'KGM' },
});
const EVENTS = ['receipt.processed', 'receipt.synced', 'conflict.resolved'];
const FAST = {
  CALLBACK_RETRY_DELAYS_SECONDS: '1,1,1',
  CALLBACK_SCAN_EVERY_MS: '200',
  CALLBACK_TIMEOUT_MS: '1000',
};

interface Delivery {
  id: string;
  webhookId: string;
  type: string;
  status: string;
  attempts: Array<{ statusCode: number | null; error: string | null; manual: boolean }>;
}

async function deliveries(url: string, key: string): Promise<Delivery[]> {
  return (await admin(url).get(`/v1/admin/sources/${key}/deliveries`).expect(200)).body.items as Delivery[];
}

/** Creates a webhook source with a callback to the receiver, activates it; answers both secrets. */
async function callbackSource(
  hub: SyncHub,
  receiver: CallbackReceiver,
  key: string,
  provinceCode = '92',
  url = receiver.url,
): Promise<{ webhookSecret: string; callbackSecret: string }> {
  const created = await admin(hub.url)
    .post('/v1/admin/sources', { ...passThroughSource(key, provinceCode), callback: { url, events: EVENTS } })
    .expect(201);
  await admin(hub.url).post(`/v1/admin/sources/${key}/activate`).expect(200);
  receiver.secret = created.body.callbackSecret as string;
  return { webhookSecret: created.body.webhookSecret as string, callbackSecret: receiver.secret };
}

describe('signed callbacks to provinces (real PostgreSQL, Redis, portal simulator, independent receiver)', () => {
  let sim: RunningPortalSim;
  let hub: SyncHub;
  let db: Client;
  const receiver = new CallbackReceiver();

  beforeAll(async () => {
    sim = await startSim();
    await receiver.start();
    hub = await startSyncHub(sim, { hubEnv: FAST });
    db = await hub.db();
  });
  afterAll(async () => {
    await hub?.close();
    await sim?.close();
    await receiver.close();
  });
  beforeEach(() => {
    receiver.answers = [];
    receiver.fallback = 204;
  });

  it('shows the callback secret once, keeps it sealed, and refuses callback URLs the outbound rules refuse', async () => {
    const { callbackSecret } = await callbackSource(hub, receiver, 'cb-secret');
    expect(callbackSecret).toMatch(/^whsec_[A-Za-z0-9+/=]{40,}$/);
    const stored = await db.query<{ secrets_enc: string }>(
      `SELECT secrets_enc FROM source WHERE key = 'cb-secret'`,
    );
    expect(stored.rows[0].secrets_enc).not.toContain(callbackSecret.slice(6));
    const view = await admin(hub.url).get('/v1/admin/sources/cb-secret').expect(200);
    expect(view.body.callback).toEqual({ url: receiver.url, events: EVENTS });
    expect(JSON.stringify(view.body)).not.toContain(callbackSecret);

    const rotated = await admin(hub.url)
      .post('/v1/admin/sources/cb-secret/rotate-callback-secret')
      .expect(200);
    expect(rotated.body.callbackSecret).toMatch(/^whsec_/);
    expect(rotated.body.callbackSecret).not.toBe(callbackSecret);
    expect(rotated.body.webhookSecret).toBeUndefined();
    const audit = await db.query(
      `SELECT actor FROM audit_log WHERE action = 'source.rotate-callback-secret' AND target = 'cb-secret'`,
    );
    expect(audit.rowCount).toBe(1);

    await admin(hub.url)
      .post('/v1/admin/sources', {
        ...passThroughSource('cb-ftp'),
        callback: { url: 'ftp://127.0.0.1/x', events: ['receipt.processed'] },
      })
      .expect(400);
    await admin(hub.url)
      .post('/v1/admin/sources', {
        ...passThroughSource('cb-bad-event'),
        callback: { url: receiver.url, events: ['receipt.lost'] },
      })
      .expect(400);
    const noCallback = await admin(hub.url)
      .post('/v1/admin/sources', passThroughSource('cb-none'))
      .expect(201);
    expect(noCallback.body.callbackSecret).toBeUndefined();
    await admin(hub.url).post('/v1/admin/sources/cb-none/rotate-callback-secret').expect(400);
  });

  it('sends receipt.processed once judged and receipt.synced once every accepted record is at the portal, signed', async () => {
    const { webhookSecret } = await callbackSource(hub, receiver, 'cb-flow');
    const receiptId = await sendWebhook(hub.url, 'cb-flow', webhookSecret, {
      products: [product('1', 'Gạo ST25 túi 5 kg'), { gtin: '123', name: 'Không có mã hợp lệ' }],
    });
    const processed = await eventually(
      () => Promise.resolve(receiver.of('receipt.processed').find((r) => r.body.data.id === receiptId)),
      20_000,
      'receipt.processed',
    );
    expect(processed.body.data).toMatchObject({ id: receiptId, sourceKey: 'cb-flow', status: 'processed' });
    const records = processed.body.data.records as Array<{ status: string; findings: unknown[] }>;
    expect(records.map((r) => r.status).sort()).toEqual(['quarantined', 'ready']);
    expect(records.find((r) => r.status === 'quarantined')!.findings.length).toBeGreaterThan(0);
    expect(processed.headers['content-type']).toBe('application/json');
    expect(new Date(processed.body.timestamp).getTime()).not.toBeNaN();

    const synced = await eventually(
      () => Promise.resolve(receiver.of('receipt.synced').find((r) => r.body.data.id === receiptId)),
      30_000,
      'receipt.synced',
    );
    const syncedRecords = synced.body.data.records as Array<{ status: string; portal: unknown }>;
    expect(syncedRecords.find((r) => r.status === 'synced')!.portal).toMatchObject({ version: 1 });
    expect(synced.id).not.toBe(processed.id);
    expect(receiver.rejected).toEqual([]);

    // The receiver has the requests; the hub records each delivery once the receiver's answer is back.
    const list = await eventually(
      async () => {
        const all = await deliveries(hub.url, 'cb-flow');
        return all.length === 2 && all.every((d) => d.status !== 'pending') ? all : undefined;
      },
      10_000,
      'both deliveries recorded',
    );
    expect(list.map((d) => d.type).sort()).toEqual(['receipt.processed', 'receipt.synced']);
    expect(list.map((d) => [d.status, d.attempts.length])).toEqual([
      ['delivered', 1],
      ['delivered', 1],
    ]);
    expect(list.map((d) => d.webhookId).sort()).toEqual([processed.id, synced.id].sort());
  });

  it('retries what is not answered 2xx in time under the same webhook-id, records every attempt, and redelivers by hand', async () => {
    const { webhookSecret } = await callbackSource(hub, receiver, 'cb-retry');
    receiver.answers = [500, -2500, 503];
    const receiptId = await sendWebhook(hub.url, 'cb-retry', webhookSecret, {
      products: [{ gtin: '123', name: 'Chỉ một bản ghi lỗi' }],
    });
    const delivered = await eventually(
      async () => {
        const d = (await deliveries(hub.url, 'cb-retry')).find((x) => x.type === 'receipt.processed');
        return d?.status === 'delivered' ? d : null;
      },
      30_000,
      'delivered after retries',
    );
    expect(delivered.attempts.map((a) => a.statusCode)).toEqual([500, null, 503, 204]);
    expect(delivered.attempts[1].error).toMatch(/no answer within 1 s/);
    const tries = receiver.of('receipt.processed').filter((r) => r.body.data.id === receiptId);
    // The receiver saw every try (the slow one too) under one webhook-id.
    expect(new Set(tries.map((t) => t.id))).toEqual(new Set([delivered.webhookId]));
    expect(tries.length).toBe(4);

    await admin(hub.url).post(`/v1/admin/sources/cb-retry/deliveries/${delivered.id}/redeliver`).expect(202);
    const again = await eventually(
      async () => {
        const d = (await deliveries(hub.url, 'cb-retry')).find((x) => x.id === delivered.id);
        return d && d.attempts.length === 5 ? d : null;
      },
      10_000,
      'manual redelivery',
    );
    expect(again.attempts[4]).toMatchObject({ statusCode: 204, manual: true });
    const audit = await db.query(
      `SELECT details FROM audit_log WHERE action = 'callback.redeliver' AND target = 'cb-retry'`,
    );
    expect(audit.rows[0].details).toEqual({ delivery: delivered.id });
    await admin(hub.url).post(`/v1/admin/sources/cb-retry/deliveries/${delivered.id}/redeliver`).expect(202);
    await admin(hub.url).post(`/v1/admin/sources/cb-flow/deliveries/${delivered.id}/redeliver`).expect(404);
  });

  it('gives up after the schedule and keeps every attempt; a refused address is an attempt that failed', async () => {
    const created = await admin(hub.url)
      .post('/v1/admin/sources', {
        ...passThroughSource('cb-refused'),
        // 127.0.0.2 is outside the tests' OUTBOUND_ALLOWLIST (127.0.0.1).
        callback: { url: receiver.url.replace('127.0.0.1', '127.0.0.2'), events: ['receipt.processed'] },
      })
      .expect(201);
    await admin(hub.url).post('/v1/admin/sources/cb-refused/activate').expect(200);
    await sendWebhook(hub.url, 'cb-refused', created.body.webhookSecret as string, {
      products: [product('2', 'Cá tra phi lê')],
    });
    const failed = await eventually(
      async () => {
        const d = (await deliveries(hub.url, 'cb-refused'))[0];
        return d?.status === 'failed' ? d : null;
      },
      30_000,
      'given up',
    );
    // First try and three retries (CALLBACK_RETRY_DELAYS_SECONDS=1,1,1).
    expect(failed.attempts).toHaveLength(4);
    for (const a of failed.attempts) {
      expect(a.statusCode).toBeNull();
      expect(a.error).toMatch(/OUTBOUND_ALLOWLIST/);
    }
  });

  it('sends conflict.resolved to the sources of both sides, without the other side’s data', async () => {
    const a = await callbackSource(hub, receiver, 'cb-owner-a', '92');
    const receiverB = new CallbackReceiver();
    await receiverB.start();
    try {
      const b = await callbackSource(hub, receiverB, 'cb-owner-b', '80', receiverB.url);
      const item = product('77', 'Tôm sú đông lạnh', '0301234567');
      await sendWebhook(hub.url, 'cb-owner-a', a.webhookSecret, { products: [item] });
      await eventually(() =>
        Promise.resolve(receiver.of('receipt.processed').find((r) => r.body.data.sourceKey === 'cb-owner-a')),
      );
      await sendWebhook(hub.url, 'cb-owner-b', b.webhookSecret, {
        products: [{ ...item, name: 'Tôm sú khác', ownerTaxCode: '0309876543' }],
      });
      const conflict = await eventually(async () => {
        const rows = await db.query<{ id: string }>(
          `SELECT c.id FROM conflict c JOIN record_version v ON v.id = c.incoming_version_id
            WHERE v.source_key = 'cb-owner-b' AND c.status = 'open'`,
        );
        return rows.rows[0];
      });
      await admin(hub.url)
        .post(`/v1/admin/conflicts/${conflict.id}/resolve`, {
          decision: 'keep-existing',
          note: 'Chủ sở hữu đúng là A',
        })
        .expect(200);
      const forB = await eventually(
        () => Promise.resolve(receiverB.of('conflict.resolved')[0]),
        20_000,
        'conflict.resolved to B',
      );
      const forA = await eventually(() =>
        Promise.resolve(receiver.of('conflict.resolved').find((r) => r.body.data.id === conflict.id)),
      );
      expect(forB.body.data).toMatchObject({
        id: conflict.id,
        code: 'KEY_CLAIMED',
        status: 'resolved',
        decision: 'keep-existing',
        side: 'incoming',
        other: { provinceCode: '92' },
      });
      expect(forA.body.data).toMatchObject({ side: 'existing', other: { provinceCode: '80' } });
      expect(JSON.stringify(forB.body.data)).not.toContain('Tôm sú đông lạnh');
      expect(receiverB.rejected).toEqual([]);
    } finally {
      await receiverB.close();
    }
  });
});

describe('callback retries survive a restart of the hub', () => {
  let sim: RunningPortalSim;
  let env: TestEnv;
  const receiver = new CallbackReceiver();

  beforeAll(async () => {
    sim = await startSim();
    await receiver.start();
    env = await createTestEnv({
      PORTAL_BASE_URL: sim.url,
      PORTAL_CLIENT_ID: 'txng-hub-dev',
      PORTAL_CLIENT_SECRET: 'txng-hub-dev-secret',
      CALLBACK_RETRY_DELAYS_SECONDS: '3,3,3',
      CALLBACK_SCAN_EVERY_MS: '200',
    });
  });
  afterAll(async () => {
    await sim?.close();
    await receiver.close();
    await env?.dispose();
  });

  it('a retry scheduled before the hub stopped is made by the hub started again', async () => {
    let hub = await startSyncHub(sim, { env });
    try {
      const { webhookSecret } = await callbackSource(hub, receiver, 'cb-restart');
      receiver.fallback = 503;
      await sendWebhook(hub.url, 'cb-restart', webhookSecret, { products: [{ gtin: '1', name: 'Lỗi' }] });
      await eventually(() => Promise.resolve(receiver.received.length >= 1), 20_000, 'first attempt');
      // The retry waits in Redis as a delayed job when the hub goes down.
      await eventually(
        async () => (await hub.queue('callbacks').getDelayedCount()) === 1,
        10_000,
        'retry queued',
      );
      await hub.stop();
      receiver.fallback = 200;
      const during = receiver.received.length;
      hub = await startSyncHub(sim, { env });
      const d = await eventually(
        async () => {
          const x = (await deliveries(hub.url, 'cb-restart'))[0];
          return x?.status === 'delivered' ? x : null;
        },
        20_000,
        'delivered after restart',
      );
      expect(during).toBe(1);
      expect(d.attempts.map((a) => a.statusCode)).toEqual([503, 200]);
      expect(new Set(receiver.received.map((r) => r.id)).size).toBe(1);
      expect(receiver.rejected).toEqual([]);
    } finally {
      await hub.stop();
    }
  });
});
