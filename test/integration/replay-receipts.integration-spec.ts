import { SourceCache } from '@txng/connectors';
import { PgReceiptRepository } from '@txng/persistence';
import { type Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { type RunningPortalSim } from '../../apps/portal-sim/src/create-portal-sim';
import { admin, createActiveSource } from '../support/admin-client';
import { eventually, simAdmin, startSim, startSyncHub, type SyncHub } from '../support/sync-harness';
import { readOperation, waitForOperation } from '../support/wait-for-operation';
import { waitForQueuesToDrain } from '../support/wait-for-queues';
import { gtin13, passThroughSource, sendWebhook } from '../support/webhook-sources';

/**
 * Version 1 writes a sack in `tạ` as it is (UOM_UNKNOWN: quarantined) and ignores `tag`; version 2
 * converts `tạ` to kilograms and puts the tag into the name. So, of the province's products, one
 * with a tag changes, one without stays the same, and one in `tạ` is fixed.
 */
const V1 = `{ "products": products.{ "gtin": gtin, "name": name, "ownerTaxCode": owner,
  "netContent": { "value": kg, "uom": unit = "tạ" ? "tạ" : "KGM" } } }`;
const V2 = `{ "products": products.{ "gtin": gtin, "name": $exists(tag) ? name & " (" & tag & ")" : name,
  "ownerTaxCode": owner, "netContent": { "value": unit = "tạ" ? kg * 100 : kg, "uom": "KGM" } } }`;
const OWNER = '0301234567';
const SOURCE = 'rr-can-tho';
const OTHER = 'rr-ca-mau';

const gtin = (n: number) => gtin13(`89350498${String(n).padStart(4, '0')}`);
const key = (n: number) => `gtin:0${gtin(n)}`;
const item = (n: number, extra: Record<string, unknown> = {}) => ({
  gtin: gtin(n),
  name: `Gạo ${n}`,
  owner: OWNER,
  kg: 5,
  unit: 'kg',
  ...extra,
});

describe('replay of chosen receipts: exactly the receipts a mapping change affects are judged again with the current mapping (real PostgreSQL, Redis, portal simulator)', () => {
  let sim: RunningPortalSim;
  let hub: SyncHub;
  let ingest: Queue;
  let maintenance: Queue;
  const secrets: Record<string, string> = {};
  const receipts: Record<string, string> = {};
  let canThoOperator: string;
  let caMauOperator: string;
  let canThoViewer: string;

  const send = (source: string, products: unknown[]) =>
    sendWebhook(hub.url, source, secrets[source], { products });
  const drain = () => waitForQueuesToDrain([maintenance, ingest], { timeoutMs: 30_000 });
  const replay = (body: object, token?: string) =>
    admin(hub.url, token).post('/v1/admin/replay/receipts', body);
  const ended = (id: string) => waitForOperation(hub.url, id);
  const atPortal = async (n: number) =>
    (
      (await simAdmin(sim).accepted('92')) as {
        records: Array<{
          kind: string;
          key: string;
          versions: Array<{ version: number; data: { name: string } }>;
        }>;
      }
    ).records.find((r) => r.kind === 'product' && r.key === key(n))?.versions ?? [];
  const versions = async (n: number) =>
    (
      (
        await admin(hub.url)
          .get(`/v1/admin/records/product/${encodeURIComponent(key(n))}`)
          .expect(200)
      ).body as {
        versions: Array<{ version: number | null; status: string }>;
      }
    ).versions;
  const synced = () =>
    eventually(
      async () => {
        const ready = await admin(hub.url).get(`/v1/admin/records?sourceKey=${SOURCE}&status=ready&limit=50`);
        return (ready.body as { items: unknown[] }).items.length === 0;
      },
      20_000,
      'every ready version at the portal',
    );

  beforeAll(async () => {
    sim = await startSim();
    // Batches of two receipts with a pause between them, so that a cancel lands between two batches.
    hub = await startSyncHub(sim, {
      hubEnv: {
        PREFIX_REGISTRY_CHECK: 'off',
        RECEIPT_BODY_RETENTION_DAYS: 'off',
        OPERATION_BATCH: '2',
        OPERATION_PAUSE_MS: '1500',
      },
    });
    ingest = hub.queue('ingest');
    maintenance = hub.queue('maintenance');
    secrets[SOURCE] = await createActiveSource(hub.url, {
      ...passThroughSource(SOURCE, '92'),
      mapping: { language: 'jsonata', expression: V1 },
    });
    secrets[OTHER] = await createActiveSource(hub.url, {
      ...passThroughSource(OTHER, '96'),
      mapping: { language: 'jsonata', expression: V1 },
    });
    const token = async (role: string, provinces: string[]) =>
      (
        await admin(hub.url)
          .post('/v1/admin/tokens', { name: `Sở NN ${role} ${provinces.join(',')}`, role, provinces })
          .expect(201)
      ).body.token as string;
    canThoOperator = await token('operator', ['92']);
    caMauOperator = await token('operator', ['96']);
    canThoViewer = await token('viewer', ['92']);

    receipts.changes = await send(SOURCE, [item(1, { tag: 'hữu cơ' })]);
    receipts.same = await send(SOURCE, [item(2)]);
    receipts.fixed = await send(SOURCE, [item(3, { unit: 'tạ', kg: 2 })]);
    receipts.untouched = await send(SOURCE, [item(4, { tag: 'hữu cơ' })]);
    // Key 5: an older receipt the change alters, then a newer one of the same key.
    receipts.older = await send(SOURCE, [item(5, { tag: 'cũ' })]);
    await drain();
    receipts.newer = await send(SOURCE, [item(5, { name: 'Gạo 5 mới' })]);
    receipts.other = await send(OTHER, [item(9)]);
    await drain();
    await synced();
  });
  afterAll(async () => {
    await hub?.close();
    await sim?.close();
  });

  it('refuses ids that are not receipts of the source, naming them, and bad lists naming the field', async () => {
    const stranger = randomUUID();
    const wrong = await replay({
      sourceKey: SOURCE,
      receiptIds: [receipts.changes, receipts.other, stranger],
    }).expect(400);
    expect(wrong.body.message).toContain(receipts.other);
    expect(wrong.body.message).toContain(stranger);
    expect(wrong.body.message).not.toContain(receipts.changes);
    expect(wrong.body.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'receiptIds', receiptId: receipts.other }),
        expect.objectContaining({ field: 'receiptIds', receiptId: stranger }),
      ]),
    );
    for (const body of [
      { sourceKey: SOURCE, receiptIds: [] },
      { sourceKey: SOURCE, receiptIds: ['not-a-receipt'] },
      { sourceKey: SOURCE, receiptIds: Array.from({ length: 1001 }, () => randomUUID()) },
      { sourceKey: SOURCE },
    ]) {
      const res = await replay(body).expect(400);
      expect(JSON.stringify(res.body)).toContain('receiptIds');
    }
    expect(JSON.stringify((await replay({ receiptIds: [receipts.changes] }).expect(400)).body)).toContain(
      'sourceKey',
    );
    await replay({ sourceKey: 'rr-nobody', receiptIds: [receipts.changes] }).expect(404);
    // Nothing was asked for: no operation stored.
    const ops = await admin(hub.url).get(`/v1/admin/operations?kind=replay&sourceKey=${SOURCE}`).expect(200);
    expect(ops.body.items).toHaveLength(0);
  });

  it('is for operators of the source’s province: another province’s token does not see the source, a viewer may not', async () => {
    await replay({ sourceKey: SOURCE, receiptIds: [receipts.changes] }, caMauOperator).expect(404);
    await replay({ sourceKey: SOURCE, receiptIds: [receipts.changes] }, canThoViewer).expect(403);
  });

  it('after the new mapping version: a changed record becomes a new version at the portal, an unchanged one a duplicate, a quarantined one is accepted, and a later receipt’s version is not overtaken', async () => {
    expect(await atPortal(1)).toHaveLength(1);
    expect((await versions(3)).map((v) => v.status)).toEqual(['quarantined']);
    await admin(hub.url)
      .patch(`/v1/admin/sources/${SOURCE}`, { mapping: { language: 'jsonata', expression: V2 } })
      .expect(200);

    const ids = [receipts.changes, receipts.same, receipts.fixed, receipts.older];
    const asked = await replay({ sourceKey: SOURCE, receiptIds: ids }, canThoOperator).expect(202);
    expect(asked.body).toEqual({
      operationId: expect.any(String),
      receipts: 4,
      mappingVersion: 2,
      jobId: `replay-receipts.${asked.body.operationId}`,
      state: 'queued',
    });
    const op = await ended(asked.body.operationId);
    expect(op).toMatchObject({
      kind: 'replay',
      state: 'done',
      total: 4,
      done: 4,
      failed: 0,
      sourceKey: SOURCE,
      params: expect.objectContaining({ mode: 'receipts', mappingVersion: 2 }),
    });
    // Item of `changes`: a new version; `same`: a duplicate; `fixed`: new (accepted at last).
    // `older`: its version was replaced by `newer`'s, so it is left as it was (no link rewritten).
    expect(op.result).toMatchObject({
      receipts: 4,
      judged: 4,
      expired: [],
      outcomes: { version: 1, duplicate: 1, new: 1, quarantined: 0, conflict: 0 },
    });
    await drain();
    await synced();

    const one = await atPortal(1);
    expect(one.map((v) => [v.version, v.data.name])).toEqual([
      [1, 'Gạo 1'],
      [2, 'Gạo 1 (hữu cơ)'],
    ]);
    expect((await atPortal(2)).map((v) => v.version)).toEqual([1]);
    expect((await atPortal(3)).map((v) => v.version)).toEqual([1]);
    expect((await versions(3)).map((v) => [v.version, v.status])).toEqual([
      [null, 'replayed'],
      [1, 'synced'],
    ]);
    // Not asked for: untouched although the change would alter it.
    expect((await atPortal(4)).map((v) => v.data.name)).toEqual(['Gạo 4']);
    // The older receipt's record does not come back over the newer receipt's.
    expect((await atPortal(5)).map((v) => v.data.name)).toEqual(['Gạo 5', 'Gạo 5 mới']);
    const detail = await admin(hub.url)
      .get(`/v1/admin/records/product/${encodeURIComponent(key(5))}`)
      .expect(200);
    expect(JSON.stringify(detail.body)).toContain('a later version of this key has come since version 1');

    // The receipts say which replay judged them again and what their records are now.
    const receipt = async (id: string) =>
      (await admin(hub.url).get(`/v1/admin/receipts/${id}`).expect(200)).body as {
        records: Array<{ key: string; version: number | null; status: string; replayRunId: string | null }>;
      };
    expect((await receipt(receipts.changes)).records).toEqual([
      expect.objectContaining({ key: key(1), version: 2, status: 'synced', replayRunId: op.id }),
    ]);
    expect((await receipt(receipts.same)).records).toEqual([
      expect.objectContaining({ key: key(2), status: 'duplicate', replayRunId: op.id }),
    ]);
    expect((await receipt(receipts.fixed)).records).toEqual([
      expect.objectContaining({ key: key(3), version: 1, status: 'synced', replayRunId: op.id }),
    ]);
    expect((await receipt(receipts.untouched)).records).toEqual([
      expect.objectContaining({ key: key(4), replayRunId: null }),
    ]);
    expect((await receipt(receipts.older)).records).toEqual([
      expect.objectContaining({ key: key(5), version: 1, replayRunId: null }),
    ]);

    // Asked for again: every record is now a duplicate of what the portal holds; nothing new is sent.
    const again = await replay({ sourceKey: SOURCE, receiptIds: ids }).expect(202);
    const second = await ended(again.body.operationId);
    expect(second.result).toMatchObject({ outcomes: { version: 0, new: 0, duplicate: 3 } });
    await drain();
    expect((await atPortal(1)).map((v) => v.version)).toEqual([1, 2]);
    expect((await atPortal(3)).map((v) => v.version)).toEqual([1]);

    const audit = await admin(hub.url).get('/v1/admin/audit').expect(200);
    expect(audit.body.items).toContainEqual(
      expect.objectContaining({
        action: 'records.replay-receipts',
        target: op.id,
        details: { sourceKey: SOURCE, mappingVersion: 2, receipts: 4 },
      }),
    );
  });

  it('stops between two batches when cancelled: what was judged stays judged, nothing more is', async () => {
    const more = [];
    for (let n = 20; n < 26; n++) more.push(await send(SOURCE, [item(n, { tag: 'mới' })]));
    await drain();
    const asked = await replay({ sourceKey: SOURCE, receiptIds: more }).expect(202);
    // The first batch of two is judged, then the run pauses 1.5 s: the cancel lands there.
    await waitForOperation(hub.url, asked.body.operationId, { until: (o) => o.done >= 2, timeoutMs: 20_000 });
    await admin(hub.url).post(`/v1/admin/operations/${asked.body.operationId}/cancel`).expect(200);
    const op = await ended(asked.body.operationId);
    expect(op.state).toBe('cancelled');
    expect(op.done).toBeGreaterThanOrEqual(2);
    expect(op.done).toBeLessThan(6);
    await drain();
    const detail = await Promise.all(
      more.map(
        async (id) =>
          (
            (await admin(hub.url).get(`/v1/admin/receipts/${id}`).expect(200)).body as {
              records: Array<{ replayRunId: string | null }>;
            }
          ).records[0].replayRunId,
      ),
    );
    const judged = detail.filter((r) => r === asked.body.operationId).length;
    expect(judged).toBe(op.done);
    expect(detail.slice(judged).every((r) => r === null)).toBe(true);
  });

  it('asks BullMQ after 30 s without an end, for a job that ended without writing it (a worker of an older build)', async () => {
    const db = await hub.db();
    // Every end written is dropped: the run cannot learn it from PostgreSQL.
    await db.query(
      `CREATE FUNCTION rr_drop_end() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$`,
    );
    await db.query(
      `CREATE TRIGGER rr_drop_end BEFORE INSERT ON replay_receipt_end FOR EACH ROW EXECUTE FUNCTION rr_drop_end()`,
    );
    try {
      const asked = await replay({ sourceKey: SOURCE, receiptIds: [receipts.same] }).expect(202);
      const job = `replay.${asked.body.operationId}.${receipts.same}`;
      await eventually(async () => (await ingest.getJob(job))?.isCompleted(), 20_000, 'the job completed');
      expect((await readOperation(hub.url, asked.body.operationId)).state).toBe('running');
      const op = await waitForOperation(hub.url, asked.body.operationId, { timeoutMs: 45_000 });
      expect(op).toMatchObject({ state: 'done', total: 1, done: 1, failed: 0 });
    } finally {
      await db.query(`DROP TRIGGER rr_drop_end ON replay_receipt_end`);
      await db.query(`DROP FUNCTION rr_drop_end()`);
    }
  }, 70_000);

  it('counts a receipt whose job fails for good as failed, and ends the operation without waiting on it', async () => {
    // The source's current mapping version is gone: its replay job fails at once, permanently.
    const db = await hub.db();
    await db.query(`UPDATE source SET mapping_version = 99 WHERE key = $1`, [OTHER]);
    await hub.app.get(SourceCache).changed(OTHER);
    // Every end the jobs write is copied aside: the run drops its own when it ends.
    await db.query(`CREATE TABLE rr_end_log (LIKE replay_receipt_end)`);
    await db.query(
      `CREATE FUNCTION rr_log_end() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN INSERT INTO rr_end_log SELECT NEW.*; RETURN NEW; END $$`,
    );
    await db.query(
      `CREATE TRIGGER rr_log_end AFTER INSERT ON replay_receipt_end FOR EACH ROW EXECUTE FUNCTION rr_log_end()`,
    );
    try {
      const asked = await replay({ sourceKey: OTHER, receiptIds: [receipts.other] }).expect(202);
      const op = await ended(asked.body.operationId);
      expect(op).toMatchObject({ state: 'done', total: 1, done: 0, failed: 1 });
      expect(op.result).toMatchObject({ receipts: 1, judged: 0, failed: 1, expired: [] });
      // The job wrote its end, failed, in PostgreSQL (where the run reads it) ...
      const ends = (table: string) =>
        db.query(`SELECT receipt_id::text AS "receiptId", failed FROM ${table} WHERE operation_id = $1`, [
          asked.body.operationId,
        ]);
      expect((await ends('rr_end_log')).rows).toEqual([{ receiptId: receipts.other, failed: true }]);
      // ... and the ended run dropped it: nothing of it stays behind.
      expect((await ends('replay_receipt_end')).rows).toEqual([]);
      const job = await ingest.getJob(`replay.${asked.body.operationId}.${receipts.other}`);
      expect(await job?.getState()).toBe('failed');
      // A job of a run that has ended (one cancelled with receipts queued) writes no end.
      await new PgReceiptRepository(hub.app.get(DataSource)).replayEnded(asked.body.operationId, receipts.other, false);
      expect((await ends('replay_receipt_end')).rows).toEqual([]);
    } finally {
      await db.query(`DROP TRIGGER rr_log_end ON replay_receipt_end`);
      await db.query(`DROP FUNCTION rr_log_end()`);
      await db.query(`DROP TABLE rr_end_log`);
    }
  });
});
