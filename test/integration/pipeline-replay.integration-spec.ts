import { type Queue } from 'bullmq';
import { type Client } from 'pg';
import { DataSource } from 'typeorm';
import { PgReplayRepository } from '@txng/persistence';
import { ReplayRunner } from '@txng/pipeline';
import { admin, createActiveSource, createToken } from '../support/admin-client';
import { startGateway, type GatewayHarness } from '../support/gateway-harness';
import { waitForQueuesToDrain } from '../support/wait-for-queues';
import { gtin13, passThroughSource, receiptOutcome, sendWebhook } from '../support/webhook-sources';

/** The province sends `{products:[{gtin,name,owner,kg}]}`; version 1 of the mapping gets the unit wrong. */
const mappingWithUnit = (uom: string) => ({
  language: 'jsonata',
  expression: `{ "products": products.{ "gtin": gtin, "name": name, "ownerTaxCode": owner, "netContent": { "value": kg, "uom": "${uom}" } } }`,
});
const source = (key: string, mapping: object) => ({ ...passThroughSource(key, '92'), mapping });
const OWNER = '0301234567';

describe('replay: quarantined, rejected and failed records go through again (real PostgreSQL and Redis)', () => {
  let hub: GatewayHarness;
  let ingest: Queue;
  let maintenance: Queue;
  let db: Client;
  let viewerToken: string;
  const secrets: Record<string, string> = {};

  const send = (key: string, body: unknown): Promise<string> => sendWebhook(hub.url, key, secrets[key], body);
  // A replay is a job on the maintenance queue that queues ingest jobs: both must be quiet.
  const drain = () => waitForQueuesToDrain([maintenance, ingest], { timeoutMs: 30_000 });
  const list = async (query: string) =>
    (await admin(hub.url).get(`/v1/admin/records?${query}&limit=500`).expect(200)).body.items as Array<{
      id: string;
      key: string;
      status: string;
      version: number | null;
      mappingVersion: number | null;
      receiptId: string;
    }>;
  const counts = (receiptId: string) => receiptOutcome(db, receiptId);
  const replay = (body: object, token?: string) => admin(hub.url, token).post('/v1/admin/replay', body);

  beforeAll(async () => {
    // Bodies kept: no purge schedule sits in the maintenance queue, so it drains.
    hub = await startGateway({ withWorkers: true, env: { RECEIPT_BODY_RETENTION_DAYS: 'off' } });
    secrets['rp-unit'] = await createActiveSource(hub.url, source('rp-unit', mappingWithUnit('tạ')));
    secrets['rp-map'] = await createActiveSource(
      hub.url,
      source('rp-map', { language: 'jsonata', expression: '$error("the province changed its format")' }),
    );
    secrets['rp-b'] = await createActiveSource(hub.url, source('rp-b', mappingWithUnit('KGM')));
    viewerToken = (await createToken(hub.url, 'viewer', 'viewer')).token;
    ingest = hub.queue('ingest');
    maintenance = hub.queue('maintenance');
    db = await hub.db();
  });
  afterAll(async () => {
    await hub?.close();
  });

  it('stores the same invalid record once, replays it to the same outcome without a fix, and to ready after a mapping fix', async () => {
    const body = {
      products: [
        { gtin: gtin13('893504980001'), name: 'Gạo 1', owner: OWNER, kg: 5 },
        { gtin: gtin13('893504980002'), name: 'Gạo 2', owner: OWNER, kg: 10 },
      ],
    };
    const first = await send('rp-unit', body);
    const second = await send('rp-unit', body); // a retry under a new webhook-id
    await drain();
    let quarantined = await list('sourceKey=rp-unit&status=quarantined');
    expect(quarantined).toHaveLength(2);
    expect(quarantined.every((q) => q.receiptId === first)).toBe(true);
    expect(await counts(second)).toMatchObject({ status: 'processed', counts: { quarantined: 2 } });
    const ids = quarantined.map((q) => q.id).sort();

    // No fix: the same outcome, the same two records, nothing piles up.
    const again = await replay({ status: 'quarantined', sourceKey: 'rp-unit' }).expect(200);
    expect(again.body).toEqual({
      runId: expect.any(String),
      replayed: 2,
      receipts: 2,
      outdated: 0,
      expired: 0,
      jobId: `replay.${again.body.runId}`,
      operationId: again.body.runId,
      state: 'queued',
    });
    await drain();
    quarantined = await list('sourceKey=rp-unit&status=quarantined');
    expect(quarantined.map((q) => q.id).sort()).toEqual(ids);
    expect(await list('sourceKey=rp-unit&status=replayed')).toHaveLength(0);

    // Fix the mapping (version 2), replay: both become ready under the new mapping version.
    await admin(hub.url)
      .patch('/v1/admin/sources/rp-unit', { mapping: mappingWithUnit('KGM') })
      .expect(200);
    const fixed = await replay({ status: 'quarantined', sourceKey: 'rp-unit', kind: 'product' }).expect(200);
    expect(fixed.body).toMatchObject({ replayed: 2, receipts: 2 });
    await drain();
    const ready = await list('sourceKey=rp-unit&status=ready');
    expect(ready.map((r) => [r.version, r.mappingVersion])).toEqual([
      [1, 2],
      [1, 2],
    ]);
    expect(await list('sourceKey=rp-unit&status=quarantined')).toHaveLength(0);
    const replayed = await list('sourceKey=rp-unit&status=replayed');
    expect(replayed.map((r) => r.id).sort()).toEqual(ids);
    // Each receipt's items are judged once: the first made the versions, the retry duplicates them.
    const outcomes = [(await counts(first)).counts, (await counts(second)).counts];
    expect(outcomes).toContainEqual({ new: 2 });
    expect(outcomes).toContainEqual({ duplicate: 2 });
    const detail = await admin(hub.url)
      .get(`/v1/admin/records/product/${encodeURIComponent(ready[0].key)}`)
      .expect(200);
    expect(detail.body.versions.map((v: { status: string }) => v.status)).toEqual(['replayed', 'ready']);
    // Nothing is left to replay.
    expect((await replay({ status: 'quarantined', sourceKey: 'rp-unit' }).expect(200)).body).toMatchObject({
      replayed: 0,
      receipts: 0,
    });
    const audit = await admin(hub.url).get('/v1/admin/audit').expect(200);
    expect(audit.body.items).toContainEqual(
      expect.objectContaining({
        action: 'records.replay',
        target: fixed.body.runId,
        details: expect.objectContaining({
          status: 'quarantined',
          sourceKey: 'rp-unit',
          replayed: 2,
          receipts: 2,
        }),
      }),
    );
  });

  it('replays a receipt whose mapping failed: after the fix its records are read and judged', async () => {
    const receiptId = await send('rp-map', {
      products: [
        {
          gtin: gtin13('893504980010'),
          name: 'Cà phê',
          ownerTaxCode: OWNER,
          netContent: { value: 1, uom: 'KGM' },
        },
      ],
    });
    await drain();
    expect(await counts(receiptId)).toMatchObject({ status: 'failed', counts: { quarantined: 1 } });
    await admin(hub.url)
      .patch('/v1/admin/sources/rp-map', { mapping: { language: 'jsonata', expression: '$' } })
      .expect(200);
    expect((await replay({ status: 'quarantined', sourceKey: 'rp-map' }).expect(200)).body).toMatchObject({
      replayed: 1,
      receipts: 1,
    });
    await drain();
    expect(await counts(receiptId)).toMatchObject({ status: 'processed', error: null, counts: { new: 1 } });
    expect(await list('sourceKey=rp-map&status=ready')).toEqual([
      expect.objectContaining({ key: `gtin:0${gtin13('893504980010')}`, version: 1, mappingVersion: 2 }),
    ]);
    expect(await list('sourceKey=rp-map&status=replayed')).toEqual([
      expect.objectContaining({ key: `receipt:${receiptId}` }),
    ]);
  });

  it('replays rejected-in-conflict records: judged again against the current holder', async () => {
    const gtin = gtin13('893504980020');
    await send('rp-b', { products: [{ gtin, name: 'Trà', owner: OWNER, kg: 1 }] });
    await drain();
    await send('rp-unit', { products: [{ gtin, name: 'Trà (khác)', owner: '0309876543', kg: 1 }] });
    await drain();
    const open = await admin(hub.url).get(`/v1/admin/conflicts?status=open&key=gtin:0${gtin}`).expect(200);
    await admin(hub.url)
      .post(`/v1/admin/conflicts/${open.body.items[0].id}/resolve`, {
        decision: 'keep-existing',
        note: 'not theirs',
      })
      .expect(200);
    const rejected = await list('sourceKey=rp-unit&status=rejected');
    expect(rejected).toHaveLength(1);
    expect((await replay({ status: 'rejected', sourceKey: 'rp-unit' }).expect(200)).body).toMatchObject({
      replayed: 1,
      receipts: 1,
    });
    await drain();
    expect(await list('sourceKey=rp-unit&status=rejected')).toHaveLength(0);
    expect(await list('sourceKey=rp-unit&status=replayed')).toContainEqual(
      expect.objectContaining({ id: rejected[0].id }),
    );
    const again = await admin(hub.url).get(`/v1/admin/conflicts?status=open&key=gtin:0${gtin}`).expect(200);
    expect(again.body.items).toHaveLength(1);
    expect(again.body.items[0].code).toBe('KEY_CLAIMED');
  });

  it('puts failed versions back to ready (sync sends them again)', async () => {
    const gtin = gtin13('893504980030');
    await send('rp-b', { products: [{ gtin, name: 'Tiêu', owner: OWNER, kg: 2 }] });
    await drain();
    // What sync does when it gives up on a version.
    await db.query(`UPDATE record_version SET status = 'failed' WHERE kind = 'product' AND key = $1`, [
      `gtin:0${gtin}`,
    ]);
    const res = await replay({ status: 'failed', sourceKey: 'rp-b' }).expect(200);
    expect(res.body).toEqual({
      runId: expect.any(String),
      replayed: 1,
      receipts: 0,
      outdated: 0,
      expired: 0,
      jobId: `replay.${res.body.runId}`,
      operationId: res.body.runId,
      state: 'queued',
    });
    await drain();
    const detail = await admin(hub.url).get(`/v1/admin/records/product/gtin:0${gtin}`).expect(200);
    expect(detail.body.versions[0]).toMatchObject({ version: 1, status: 'ready' });
    expect(detail.body.versions[0].history.at(-1)).toMatchObject({
      status: 'ready',
      reason: expect.stringContaining(res.body.runId),
    });
  });

  it('leaves a failed version failed when a later version of its key is already at the portal', async () => {
    const gtin = gtin13('893504980031');
    const key = `gtin:0${gtin}`;
    await send('rp-b', { products: [{ gtin, name: 'Tiêu đen', owner: OWNER, kg: 2 }] });
    await send('rp-b', { products: [{ gtin, name: 'Tiêu đen Phú Quốc', owner: OWNER, kg: 2 }] });
    await drain();
    // Sync gave up on version 1, then sent version 2.
    await db.query(
      `UPDATE record_version SET status = 'failed' WHERE kind = 'product' AND key = $1 AND version = 1`,
      [key],
    );
    await db.query(
      `UPDATE record_version SET status = 'synced' WHERE kind = 'product' AND key = $1 AND version = 2`,
      [key],
    );
    const res = await replay({ status: 'failed', sourceKey: 'rp-b' }).expect(200);
    expect(res.body).toMatchObject({ replayed: 0, outdated: 1 });
    await drain();
    const detail = await admin(hub.url).get(`/v1/admin/records/product/${key}`).expect(200);
    const v1 = detail.body.versions.find((v: { version: number }) => v.version === 1);
    expect(v1.status).toBe('failed');
    expect(v1.history.at(-1).reason).toContain('already at the portal');
  });

  it('answers at once with a job and what matched; the run goes batch by batch to done, its progress readable', async () => {
    // 30 receipts of quarantined records (the unit is wrong under mapping v1 of rp-wide).
    secrets['rp-wide'] = await createActiveSource(hub.url, source('rp-wide', mappingWithUnit('tạ')));
    const receipts: string[] = [];
    for (let i = 0; i < 30; i += 1) {
      const gtin = gtin13(`8935049810${String(i).padStart(2, '0')}`);
      receipts.push(await send('rp-wide', { products: [{ gtin, name: `Gạo ${i}`, owner: OWNER, kg: 5 }] }));
    }
    await drain();
    await maintenance.pause(); // so that the answer is seen before the run starts
    const res = await replay({ status: 'quarantined', sourceKey: 'rp-wide' }).expect(200);
    expect(res.body).toEqual({
      runId: expect.any(String),
      replayed: 30,
      receipts: 30,
      outdated: 0,
      expired: 0,
      jobId: `replay.${res.body.runId}`,
      operationId: res.body.runId,
      state: 'queued',
    });
    const queued = await admin(hub.url, viewerToken).get(`/v1/admin/replay/${res.body.runId}`).expect(200);
    expect(queued.body).toMatchObject({
      runId: res.body.runId,
      state: 'queued',
      status: 'quarantined',
      sourceKey: 'rp-wide',
      replayed: 30,
      receipts: 30,
      progress: { receiptsQueued: 0, versionsRequeued: 0, outdatedKept: 0 },
    });
    expect(await ingest.getJob(`replay.${res.body.runId}.${receipts[0]}`)).toBeUndefined();
    await maintenance.resume();
    await drain();
    const done = await admin(hub.url).get(`/v1/admin/replay/${res.body.runId}`).expect(200);
    expect(done.body).toMatchObject({
      state: 'done',
      progress: { receiptsQueued: 30 },
      startedAt: expect.any(String),
      finishedAt: expect.any(String),
      error: null,
    });
    const job = await maintenance.getJob(res.body.jobId as string);
    expect(job?.returnvalue).toEqual({ receiptsQueued: 30, versionsRequeued: 0, outdatedKept: 0 });
    // Each receipt was re-read once by this run: its record is quarantined again (no fix), replayed.
    for (const id of receipts) expect(await ingest.getJob(`replay.${res.body.runId}.${id}`)).toBeDefined();
    await admin(hub.url).get('/v1/admin/replay/00000000-0000-4000-8000-000000000000').expect(404);
    await admin(hub.url).get('/v1/admin/replay/not-a-run').expect(400);
  });

  it('finishes a run whose job Redis lost: the run stored in PostgreSQL is queued again', async () => {
    secrets['rp-lost'] = await createActiveSource(hub.url, source('rp-lost', mappingWithUnit('tạ')));
    const receipts: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const gtin = gtin13(`8935049830${String(i).padStart(2, '0')}`);
      receipts.push(await send('rp-lost', { products: [{ gtin, name: `Gạo ${i}`, owner: OWNER, kg: 5 }] }));
    }
    await drain();
    await maintenance.pause();
    const res = await replay({ status: 'quarantined', sourceKey: 'rp-lost' }).expect(200);
    // What a Redis that forgot its data leaves: the run in replay_run, no job anywhere.
    await maintenance.remove(res.body.jobId as string);
    expect(await maintenance.getJob(res.body.jobId as string)).toBeUndefined();
    await maintenance.resume();
    // The maintenance check runs every 15 s and leaves runs younger than 10 s alone.
    const deadline = Date.now() + 50_000;
    let state = 'queued';
    while (Date.now() < deadline) {
      state = (await admin(hub.url).get(`/v1/admin/replay/${res.body.runId}`).expect(200)).body
        .state as string;
      if (state === 'done') break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(state).toBe('done');
    await drain();
    for (const id of receipts) expect(await ingest.getJob(`replay.${res.body.runId}.${id}`)).toBeDefined();
  }, 90_000);

  it('runs in bounded batches: receipts queued batch by batch in arrival order, progress after each', async () => {
    secrets['rp-batch'] = await createActiveSource(hub.url, source('rp-batch', mappingWithUnit('tạ')));
    const receipts: string[] = [];
    for (let i = 0; i < 17; i += 1) {
      const gtin = gtin13(`8935049820${String(i).padStart(2, '0')}`);
      receipts.push(await send('rp-batch', { products: [{ gtin, name: `Gạo ${i}`, owner: OWNER, kg: 5 }] }));
    }
    await drain();
    await maintenance.pause();
    const res = await replay({ status: 'quarantined', sourceKey: 'rp-batch' }).expect(200);
    // The same run, driven here with batches of 5 instead of 500.
    const queued: string[][] = [];
    const progress: number[] = [];
    const runner = new ReplayRunner(
      new PgReplayRepository(hub.app.get(DataSource)),
      (_run, ids) => {
        queued.push(ids);
        return Promise.resolve();
      },
      5,
    );
    const done = await runner.run(res.body.runId as string, (p) => {
      progress.push(p.receiptsQueued);
      return Promise.resolve();
    });
    expect(queued.map((b) => b.length)).toEqual([5, 5, 5, 2]);
    expect(queued.flat()).toEqual(receipts);
    expect(progress).toEqual([5, 10, 15, 17]);
    expect(done).toEqual({ receiptsQueued: 17, versionsRequeued: 0, outdatedKept: 0 });
    // The job that was queued for it finds the run done and does nothing again.
    await maintenance.resume();
    await drain();
    const job = await maintenance.getJob(res.body.jobId as string);
    expect(job?.returnvalue).toEqual({ receiptsQueued: 17, versionsRequeued: 0, outdatedKept: 0 });
    expect(await ingest.getJob(`replay.${res.body.runId}.${receipts[0]}`)).toBeUndefined();
  });

  it('answers 403 to a viewer, 400 to a bad body, 404 to an unknown source', async () => {
    await replay({ status: 'quarantined' }, viewerToken).expect(403);
    await replay({ status: 'ready' }).expect(400);
    await replay({}).expect(400);
    await replay({ status: 'quarantined', kind: 'widget' }).expect(400);
    await replay({ status: 'quarantined', extra: 1 }).expect(400);
    await replay({ status: 'quarantined', sourceKey: 'no-such-source' }).expect(404);
  });
});
