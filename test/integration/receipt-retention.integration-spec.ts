import { createHash } from 'node:crypto';
import { type Queue } from 'bullmq';
import { type Client } from 'pg';
import { admin, createActiveSource } from '../support/admin-client';
import { startGateway, type GatewayHarness } from '../support/gateway-harness';
import { waitForQueuesToDrain } from '../support/wait-for-queues';
import { gtin13, passThroughSource, sendWebhook } from '../support/webhook-sources';

const OWNER = '0301234567';
/** The mapping gets the unit wrong (quarantined: replayable after a fix, were the body kept). */
const source = {
  ...passThroughSource('ret-src', '92'),
  mapping: {
    language: 'jsonata',
    expression: `{ "products": products.{ "gtin": gtin, "name": name, "ownerTaxCode": owner, "netContent": { "value": kg, "uom": "tạ" } } }`,
  },
};
const product = (n: number) => ({
  products: [
    { gtin: gtin13(`89350498${String(n).padStart(4, '0')}`), name: `Gạo ${n}`, owner: OWNER, kg: 5 },
  ],
});
const sha256 = (body: unknown) => createHash('sha256').update(JSON.stringify(body)).digest('hex');

describe('receipt body retention (real PostgreSQL and Redis, the scheduled maintenance job)', () => {
  jest.setTimeout(90_000);
  let hub: GatewayHarness;
  let ingest: Queue;
  let db: Client;
  let secret: string;

  const receipt = async (id: string) =>
    (
      await db.query<{
        body: Buffer | null;
        body_sha256: string;
        body_purged_at: Date | null;
        status: string;
      }>('SELECT body, body_sha256, body_purged_at, status FROM receipt WHERE id = $1', [id])
    ).rows[0];

  async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  beforeAll(async () => {
    // A tiny retention (0.00002 days: under 2 s), a purge every second, one body per batch.
    hub = await startGateway({
      withWorkers: true,
      env: {
        RECEIPT_BODY_RETENTION_DAYS: '0.00002',
        RECEIPT_BODY_PURGE_EVERY_MS: '1000',
        RECEIPT_BODY_PURGE_BATCH: '1',
      },
    });
    secret = await createActiveSource(hub.url, source);
    ingest = hub.queue('ingest');
    db = await hub.db();
  });
  afterAll(async () => {
    await hub?.close();
  });

  it('purges the bodies of processed receipts only, keeping their digests and records; replaying one answers expired', async () => {
    const processed = [
      await sendWebhook(hub.url, 'ret-src', secret, product(1)),
      await sendWebhook(hub.url, 'ret-src', secret, product(2)),
    ];
    await waitForQueuesToDrain([ingest]);
    // A receipt not yet processed: the ingest queue is paused before it arrives.
    await ingest.pause();
    const pending = await sendWebhook(hub.url, 'ret-src', secret, product(3));

    await until('both processed bodies are purged', async () =>
      (await Promise.all(processed.map(receipt))).every((r) => r.body === null),
    );
    for (const [i, id] of processed.entries()) {
      const row = await receipt(id);
      expect(row).toMatchObject({ body: null, body_purged_at: expect.any(Date), status: 'processed' });
      expect(row.body_sha256).toBe(sha256(product(i + 1)));
    }
    // Its records are all still there.
    const records = await admin(hub.url).get('/v1/admin/records?sourceKey=ret-src&limit=500').expect(200);
    expect(records.body.items.map((r: { receiptId: string }) => r.receiptId).sort()).toEqual(
      [...processed].sort(),
    );
    expect(records.body.items.every((r: { status: string }) => r.status === 'quarantined')).toBe(true);

    // The pending receipt is long past the retention period but keeps its body: it is not processed.
    await new Promise((r) => setTimeout(r, 2500));
    expect((await receipt(pending)).body?.toString('utf8')).toBe(JSON.stringify(product(3)));
    await ingest.resume();
    await waitForQueuesToDrain([ingest]);
    await until(
      'the pending receipt, processed now, loses its body too',
      async () => (await receipt(pending)).body === null,
    );

    // Replaying the quarantined records: their bodies are gone, which is an answer, not an error.
    const replay = await admin(hub.url)
      .post('/v1/admin/replay', { status: 'quarantined', sourceKey: 'ret-src' })
      .expect(200);
    expect(replay.body).toMatchObject({ replayed: 3, receipts: 0, expired: 3 });
    // The run is a job on the maintenance queue (which holds the purge schedule, so it never drains).
    await until('the replay run is done', async () => {
      const run = await admin(hub.url).get(`/v1/admin/replay/${replay.body.runId}`).expect(200);
      return run.body.state === 'done';
    });
    const run = await admin(hub.url).get(`/v1/admin/replay/${replay.body.runId}`).expect(200);
    expect(run.body).toMatchObject({ expired: 3, progress: { receiptsQueued: 0 } });
    await waitForQueuesToDrain([ingest]);
    expect(await ingest.getFailedCount()).toBe(0);
    const after = await admin(hub.url)
      .get('/v1/admin/records?sourceKey=ret-src&status=quarantined&limit=500')
      .expect(200);
    expect(after.body.items).toHaveLength(3);
  });

  it('answers expired for a replay job that finds its receipt purged meanwhile, without failing', async () => {
    const id = await sendWebhook(hub.url, 'ret-src', secret, product(4));
    await waitForQueuesToDrain([ingest]);
    await until('its body is purged', async () => (await receipt(id)).body === null);
    const job = await ingest.add('process-receipt', {
      receiptId: id,
      replay: { runId: '00000000-0000-4000-8000-000000000001', status: 'quarantined' },
    });
    await waitForQueuesToDrain([ingest]);
    const done = await ingest.getJob(job.id!);
    expect(await done?.getState()).toBe('completed');
    expect(done?.returnvalue).toMatchObject({ receiptId: id, status: 'expired', records: 0 });
  });
});
