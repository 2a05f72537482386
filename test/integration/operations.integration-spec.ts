import { type Queue } from 'bullmq';
import { type Client } from 'pg';
import {
  FORMER_REQUEUE_SCHEDULER,
  MaintenanceSchedulerService,
  REQUEUE_LOST_OPERATIONS_SCHEDULER,
} from '@txng/jobs';
import { admin, createActiveSource, createToken } from '../support/admin-client';
import { startGateway, type GatewayHarness } from '../support/gateway-harness';
import { eventually } from '../support/sync-harness';
import { type OperationAnswer, readOperation, waitForOperation } from '../support/wait-for-operation';
import { waitForQueuesToDrain } from '../support/wait-for-queues';
import { gtin13, passThroughSource, sendWebhook } from '../support/webhook-sources';

const OWNER = '0301234567';
/** A GTIN-13 whose check digit is wrong: the record is quarantined (GTIN_FORMAT). */
const badGtin = (n: number): string => {
  const body = `8939876${String(500 + n).padStart(5, '0')}`;
  let sum = 0;
  for (let i = 0; i < 12; i += 1) sum += Number(body[i]) * (i % 2 === 0 ? 1 : 3);
  return `${body}${(((10 - (sum % 10)) % 10) + 1) % 10}`;
};

/*
 * Long work as operations (docs/adr/0006-operations.md): a replay is an operation from the moment it
 * is asked for; its counts move batch by batch (OPERATION_BATCH=1 here, OPERATION_PAUSE_MS between
 * batches so there is time to watch); a cancel stops it between two batches and what it did stays.
 */
describe('operations: progress and cancel of long work (real PostgreSQL and Redis)', () => {
  let hub: GatewayHarness;
  let ingest: Queue;
  let maintenance: Queue;
  let db: Client;
  let secret: string;
  let viewer: string;
  const RECEIPTS = 6;

  const op = (id: string, token?: string) => readOperation(hub.url, id, token);
  const drain = () => waitForQueuesToDrain([maintenance, ingest], { timeoutMs: 60_000 });

  beforeAll(async () => {
    hub = await startGateway({
      withWorkers: true,
      env: {
        RECEIPT_BODY_RETENTION_DAYS: 'off',
        PREFIX_REGISTRY_CHECK: 'off',
        OPERATION_BATCH: '1',
        OPERATION_PAUSE_MS: '1500',
      },
    });
    secret = await createActiveSource(hub.url, passThroughSource('op-src', '92'));
    viewer = (await createToken(hub.url, 'viewer', 'xem')).token;
    ingest = hub.queue('ingest');
    maintenance = hub.queue('maintenance');
    db = await hub.db();
    for (let n = 0; n < RECEIPTS; n += 1) {
      await sendWebhook(hub.url, 'op-src', secret, {
        products: [
          {
            gtin: badGtin(n),
            name: `Gạo sai mã ${n}`,
            ownerTaxCode: OWNER,
            netContent: { value: 5, uom: 'KGM' },
          },
        ],
      });
    }
    await drain();
    const q = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM record_version WHERE source_key = 'op-src' AND status = 'quarantined'`,
    );
    expect(q.rows[0].n).toBe(RECEIPTS);
  });
  afterAll(async () => {
    await hub?.close();
  });

  it('a replay is an operation at once; its counts move; a cancel stops it between batches and keeps what was done', async () => {
    const started = await admin(hub.url)
      .post('/v1/admin/replay', { status: 'quarantined', sourceKey: 'op-src' })
      .expect(200);
    expect(started.body).toMatchObject({ receipts: RECEIPTS, operationId: started.body.runId });
    const id = started.body.operationId as string;
    expect(await op(id, viewer)).toMatchObject({
      id,
      kind: 'replay',
      total: RECEIPTS,
      sourceKey: 'op-src',
      provinceCode: '92',
      cancellable: true,
    });

    const moving = await waitForOperation(hub.url, id, {
      until: (o) => o.state === 'running' && o.done >= 1,
      timeoutMs: 60_000,
    });
    expect(moving.percent).toBeGreaterThan(0);
    expect(moving.percent).toBeLessThan(100);

    await admin(hub.url, viewer).post(`/v1/admin/operations/${id}/cancel`).expect(403);
    const asked = await admin(hub.url).post(`/v1/admin/operations/${id}/cancel`).expect(200);
    expect(asked.body).toMatchObject({ id, cancelRequestedBy: 'bootstrap-admin' });
    expect(['cancelling', 'cancelled']).toContain(asked.body.state);

    const ended = await waitForOperation(hub.url, id, { state: 'cancelled', timeoutMs: 60_000 });
    expect(ended.done).toBeLessThan(RECEIPTS);
    expect(ended.cancellable).toBe(false);
    await drain();
    // What was done stays done, and nothing more after the cancel: the run's own progress says the
    // same count once the queues are quiet.
    const run = (await admin(hub.url).get(`/v1/admin/replay/${id}`).expect(200)).body;
    expect(run).toMatchObject({ state: 'cancelled', progress: { receiptsQueued: ended.done } });
    expect(await op(id)).toMatchObject({ state: 'cancelled', done: ended.done });

    // Ended: a second cancel is refused, and the first is in the audit log.
    const again = await admin(hub.url).post(`/v1/admin/operations/${id}/cancel`).expect(409);
    expect(again.body.message).toContain('already ended');
    const audit = await admin(hub.url).get('/v1/admin/audit?limit=20').expect(200);
    expect(audit.body.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ action: 'operation.cancel', target: id })]),
    );
  });

  it('a replay cancelled while it waits never starts, and is not queued again by the recovery', async () => {
    await maintenance.pause();
    const started = await admin(hub.url)
      .post('/v1/admin/replay', { status: 'quarantined', sourceKey: 'op-src' })
      .expect(200);
    const id = started.body.operationId as string;
    expect(await op(id)).toMatchObject({ state: 'queued', done: 0 });
    const cancelled = await admin(hub.url).post(`/v1/admin/operations/${id}/cancel`).expect(200);
    expect(cancelled.body).toMatchObject({ state: 'cancelled', done: 0, cancellable: false });
    await maintenance.resume();
    await drain();
    expect(await op(id)).toMatchObject({ state: 'cancelled', done: 0 });
    expect((await admin(hub.url).get(`/v1/admin/replay/${id}`).expect(200)).body).toMatchObject({
      state: 'cancelled',
      progress: { receiptsQueued: 0 },
    });
  });

  it('a replay left to run ends done at 100 percent', async () => {
    const started = await admin(hub.url)
      .post('/v1/admin/replay', { status: 'quarantined', sourceKey: 'op-src' })
      .expect(200);
    const id = started.body.operationId as string;
    const done = await waitForOperation(hub.url, id, { state: 'done', timeoutMs: 90_000 });
    expect(done).toMatchObject({ done: RECEIPTS, total: RECEIPTS, percent: 100, secondsLeft: null });
  });

  it('decides every open conflict of one kind and source with one decision, each audited as a single decision', async () => {
    const a = await createActiveSource(hub.url, passThroughSource('op-a', '92'));
    const b = await createActiveSource(hub.url, passThroughSource('op-b', '96'));
    const gtins = [1, 2, 3].map((n) => gtin13(`89398765060${n}`));
    const products = (owner: string) =>
      gtins.map((gtin, n) => ({
        gtin,
        name: `Gạo ${n}`,
        ownerTaxCode: owner,
        netContent: { value: 5, uom: 'KGM' },
      }));
    await sendWebhook(hub.url, 'op-a', a, { products: products(OWNER) });
    await drain();
    await sendWebhook(hub.url, 'op-b', b, { products: products('0309876543') });
    await drain();
    const open = (await admin(hub.url).get('/v1/admin/conflicts?status=open').expect(200)).body
      .items as Array<{
      id: string;
      code: string;
    }>;
    expect(open.filter((c) => c.code === 'KEY_CLAIMED')).toHaveLength(3);

    await admin(hub.url, viewer)
      .post('/v1/admin/conflicts/bulk-resolve', { code: 'KEY_CLAIMED', decision: 'keep-existing', note: 'x' })
      .expect(403);
    await admin(hub.url)
      .post('/v1/admin/conflicts/bulk-resolve', {
        code: 'KEY_CLAIMED',
        decision: 'keep-existing',
        note: '  ',
      })
      .expect(400);
    await admin(hub.url)
      .post('/v1/admin/conflicts/bulk-resolve', { code: 'NOT_A_CODE', decision: 'keep-existing', note: 'x' })
      .expect(400);
    // Another source's conflicts are not matched.
    const none = await admin(hub.url)
      .post('/v1/admin/conflicts/bulk-resolve', {
        code: 'KEY_CLAIMED',
        sourceKey: 'op-a',
        decision: 'keep-existing',
        note: 'Không có xung đột nào từ nguồn này.',
      })
      .expect(202);
    expect(none.body).toMatchObject({ matched: 0, state: 'queued' });

    const note = 'Mã GTIN thuộc HTX Thới Lai theo GS1 Việt Nam.';
    const asked = await admin(hub.url)
      .post('/v1/admin/conflicts/bulk-resolve', {
        code: 'KEY_CLAIMED',
        sourceKey: 'op-b',
        decision: 'keep-existing',
        note,
      })
      .expect(202);
    expect(asked.body).toMatchObject({ matched: 3, state: 'queued' });
    const id = asked.body.operationId as string;
    const done = await waitForOperation(hub.url, id, { state: 'done', timeoutMs: 60_000 });
    expect(done).toMatchObject({
      kind: 'conflict-resolve',
      total: 3,
      done: 3,
      failed: 0,
      percent: 100,
      sourceKey: 'op-b',
    });

    const resolved = (await admin(hub.url).get('/v1/admin/conflicts?status=resolved').expect(200)).body
      .items as Array<{
      decision: string;
      note: string;
    }>;
    expect(resolved).toHaveLength(3);
    expect(resolved.every((c) => c.decision === 'keep-existing' && c.note === note)).toBe(true);
    const audit = (await admin(hub.url).get('/v1/admin/audit?limit=50').expect(200)).body.items as Array<{
      action: string;
      target: string;
      details: Record<string, unknown>;
    }>;
    expect(audit.filter((e) => e.action === 'conflict.resolve' && e.details.operationId === id)).toHaveLength(
      3,
    );
    expect(audit.filter((e) => e.action === 'conflicts.bulk-resolve' && e.target === id)).toHaveLength(1);
    // A province token neither sees nor cancels the Center's bulk decisions.
    const ct = (
      await admin(hub.url)
        .post('/v1/admin/tokens', { name: 'Cần Thơ', role: 'operator', provinces: ['92'] })
        .expect(201)
    ).body.token as string;
    await admin(hub.url, ct).get(`/v1/admin/operations/${id}`).expect(404);
    expect(
      (
        (await admin(hub.url, ct).get('/v1/admin/operations').expect(200)).body.items as OperationAnswer[]
      ).map((o) => o.kind),
    ).not.toContain('conflict-resolve');
  });

  it('lists operations newest first, filtered and paged; refuses bad filters', async () => {
    const all = (await admin(hub.url, viewer).get('/v1/admin/operations?kind=replay').expect(200)).body;
    expect(all.items.length).toBeGreaterThanOrEqual(3);
    const times = (all.items as Array<{ createdAt: string }>).map((o) => o.createdAt);
    expect([...times].sort().reverse()).toEqual(times);
    const first = (await admin(hub.url).get('/v1/admin/operations?limit=1').expect(200)).body;
    expect(first.items).toHaveLength(1);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = (
      await admin(hub.url).get(`/v1/admin/operations?limit=1&cursor=${first.nextCursor}`).expect(200)
    ).body;
    expect(second.items[0].id).not.toBe(first.items[0].id);
    expect(second.items[0].createdAt <= first.items[0].createdAt).toBe(true);
    const cancelled = (await admin(hub.url).get('/v1/admin/operations?state=cancelled').expect(200)).body;
    expect(cancelled.items.length).toBe(2);
    expect((await admin(hub.url).get('/v1/admin/operations?unfinished=true').expect(200)).body.items).toEqual(
      [],
    );

    await admin(hub.url).get('/v1/admin/operations?kind=nothing').expect(400);
    await admin(hub.url).get('/v1/admin/operations?state=asleep').expect(400);
    await admin(hub.url).get('/v1/admin/operations?cursor=bm90LWEtY3Vyc29y').expect(400);
    await admin(hub.url).get('/v1/admin/operations/not-a-uuid').expect(400);
    await admin(hub.url).get('/v1/admin/operations/00000000-0000-4000-8000-000000000000').expect(404);
  });
  it('a bulk replay narrows by finding code and by when the receipts arrived', async () => {
    const ask = (filter: object) =>
      admin(hub.url).post('/v1/admin/replay', { status: 'quarantined', sourceKey: 'op-src', ...filter });
    expect((await ask({ findingCode: 'NO_SUCH_FINDING' }).expect(200)).body).toMatchObject({ receipts: 0 });
    expect((await ask({ receivedTo: '2020-01-01T00:00:00Z' }).expect(200)).body).toMatchObject({
      receipts: 0,
    });
    expect((await ask({ receivedFrom: '2099-01-01T00:00:00Z' }).expect(200)).body).toMatchObject({
      receipts: 0,
    });
    await ask({ findingCode: 'gtin format' }).expect(400);
    await ask({ receivedFrom: 'yesterday' }).expect(400);
    await ask({ receivedFrom: '2026-01-02T00:00:00Z', receivedTo: '2026-01-01T00:00:00Z' }).expect(400);
    await admin(hub.url)
      .post('/v1/admin/replay', { status: 'failed', findingCode: 'GTIN_FORMAT' })
      .expect(400);

    const matched = await ask({ findingCode: 'GTIN_FORMAT', receivedFrom: '2020-01-01T00:00:00Z' }).expect(
      200,
    );
    expect(matched.body).toMatchObject({ replayed: RECEIPTS, receipts: RECEIPTS });
    const id = matched.body.operationId as string;
    expect(await op(id)).toMatchObject({
      total: RECEIPTS,
      params: { status: 'quarantined', findingCode: 'GTIN_FORMAT' },
    });
    await admin(hub.url).post(`/v1/admin/operations/${id}/cancel`).expect(200);
    await waitForOperation(hub.url, id, { state: 'cancelled', timeoutMs: 60_000 });
    await drain();
  });

  it('an operation whose job was lost is queued again by the one recovery pass, also when a job of its former name runs it; the former scheduler is removed', async () => {
    // A deployment from before the rename still has the scheduler under its former id.
    await maintenance.upsertJobScheduler(
      FORMER_REQUEUE_SCHEDULER,
      { every: 60_000 },
      { name: FORMER_REQUEUE_SCHEDULER, data: {} },
    );
    expect(await hub.app.get(MaintenanceSchedulerService).assert()).toContain(
      `${FORMER_REQUEUE_SCHEDULER} (removed)`,
    );
    expect(await maintenance.getJobScheduler(FORMER_REQUEUE_SCHEDULER)).toBeUndefined();
    expect(await maintenance.getJobScheduler(REQUEUE_LOST_OPERATIONS_SCHEDULER)).toBeDefined();

    // A bulk decision stored, its job then lost with Redis's data, older than the recovery's grace.
    await maintenance.pause();
    const asked = await admin(hub.url)
      .post('/v1/admin/conflicts/bulk-resolve', {
        code: 'GTIN_PREFIX_OWNER',
        decision: 'keep-existing',
        note: 'Quyết định bị mất việc trong Redis.',
      })
      .expect(202);
    const id = asked.body.operationId as string;
    expect(await maintenance.remove(`conflict-resolve.${id}`)).toBe(1);
    await db.query(`UPDATE operation SET created_at = now() - interval '1 minute' WHERE id = $1`, [id]);
    // A job of the former name, queued before its scheduler went, still does the pass.
    const former = await maintenance.add(FORMER_REQUEUE_SCHEDULER, {});
    await maintenance.resume();
    expect(await waitForOperation(hub.url, id, { state: 'done', timeoutMs: 60_000 })).toMatchObject({
      kind: 'conflict-resolve',
    });
    const pass = await eventually(
      async () =>
        (await maintenance.getJobState(former.id!)) === 'completed' ? maintenance.getJob(former.id!) : null,
      30_000,
      'the job of the former name done',
    );
    expect(pass.returnvalue).toEqual({ requeued: expect.any(Number) });
  });
});
