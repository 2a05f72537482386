import { randomUUID } from 'node:crypto';
import { type Queue } from 'bullmq';
import { type Client } from 'pg';
import { DEFAULT_BATCH_LIMITS, ReceiptBatcher, ReceiptsService } from '@txng/connectors';
import { type NewReceipt, PgReceiptRepository, type StoredReceipt } from '@txng/persistence';
import { DataSource } from 'typeorm';
import { createActiveSource, JSON_SOURCE } from '../support/admin-client';
import { startGateway, type GatewayHarness } from '../support/gateway-harness';
import { RoundTripCounter } from '../support/round-trip-counter';

const receipt = (webhookId: string, sourceKey = JSON_SOURCE.key): NewReceipt => ({
  sourceKey,
  origin: 'webhook',
  webhookId,
  contentType: 'application/json',
  body: Buffer.from(JSON.stringify({ products: [{ gtin: '8935049500018', webhookId }] })),
  recordCount: 1,
  mappingVersion: 1,
  mappedEnvelope: '{"products":[]}',
});

const INSERTS = 'WITH incoming (id, source_key, origin, webhook_id';

/**
 * The gateway's group commit (docs/ingest.md): concurrent webhooks' receipts in one INSERT and
 * their jobs in one Redis round trip, each answered for itself once committed.
 */
describe('receipts stored together (real PostgreSQL and Redis)', () => {
  let hub: GatewayHarness;
  let batcher: ReceiptBatcher;
  let ingest: Queue;
  let db: Client;

  beforeAll(async () => {
    hub = await startGateway();
    await createActiveSource(hub.url, JSON_SOURCE);
    batcher = hub.app.get(ReceiptBatcher);
    ingest = hub.queue('ingest');
    db = await hub.db();
  });
  afterEach(() => {
    batcher.limits = DEFAULT_BATCH_LIMITS;
    jest.restoreAllMocks();
  });
  afterAll(async () => {
    await hub?.close();
  });

  const rowsOf = async (ids: string[]) =>
    (
      await db.query<{ webhook_id: string; n: number; queued: number }>(
        `SELECT webhook_id, count(*)::int AS n, count(queued_at)::int AS queued FROM receipt
          WHERE webhook_id = ANY($1) GROUP BY webhook_id`,
        [ids],
      )
    ).rows;

  it('stores 300 concurrent receipts once each, in far fewer statements, each queued', async () => {
    const ids = Array.from({ length: 300 }, () => `msg_${randomUUID()}`);
    const counter = new RoundTripCounter().start();
    const stored = await Promise.all(ids.map((id) => batcher.store(receipt(id))));
    counter.stop();
    expect(stored.every((s) => !s.replay)).toBe(true);
    expect(new Set(stored.map((s) => s.receiptId)).size).toBe(300);
    const rows = await rowsOf(ids);
    expect(rows).toHaveLength(300);
    expect(rows.every((r) => r.n === 1 && r.queued === 1)).toBe(true);
    const inserts = counter.sql.byKind.get(
      [...counter.sql.byKind.keys()].find((k) => k.startsWith(INSERTS))!,
    )!;
    // 300 waiting at once: at most 64 a statement.
    expect(inserts).toBeLessThanOrEqual(
      Math.ceil(300 / DEFAULT_BATCH_LIMITS.maxRows) + DEFAULT_BATCH_LIMITS.maxInFlight,
    );
    expect(counter.pipelines).toBe(inserts); // one addBulk per statement
    const jobs = await Promise.all(stored.map((s) => ingest.getJob(`receipt.${s.receiptId}`)));
    expect(jobs.map((j) => j?.data as unknown)).toEqual(stored.map((s) => ({ receiptId: s.receiptId })));
  });

  it('answers webhook-ids seen before, in the same statement or earlier, with their first receipt', async () => {
    const earlier = `msg_${randomUUID()}`;
    const [first] = await Promise.all([batcher.store(receipt(earlier))]);
    const twice = Array.from({ length: 20 }, () => `msg_${randomUUID()}`);
    batcher.limits = { ...DEFAULT_BATCH_LIMITS, maxInFlight: 1 };
    const inputs = [...twice, earlier, ...twice].map((id) => receipt(id));
    const stored = await Promise.all(inputs.map((i) => batcher.store(i)));
    const byId = new Map<string, StoredReceipt[]>();
    inputs.forEach((input, i) =>
      byId.set(input.webhookId!, [...(byId.get(input.webhookId!) ?? []), stored[i]]),
    );
    for (const id of twice) {
      const [a, b] = byId.get(id)!;
      expect(a.replay).toBe(false);
      expect(b).toEqual({ receiptId: a.receiptId, recordCount: 1, replay: true });
    }
    expect(byId.get(earlier)).toEqual([{ receiptId: first.receiptId, recordCount: 1, replay: true }]);
    expect((await rowsOf([...twice, earlier])).every((r) => r.n === 1)).toBe(true);
  });

  it('a row that cannot be stored fails alone: the others of its statement are stored', async () => {
    batcher.limits = { ...DEFAULT_BATCH_LIMITS, maxInFlight: 1 };
    const ids = Array.from({ length: 10 }, () => `msg_${randomUUID()}`);
    const bad = `msg_${randomUUID()}`;
    const counter = new RoundTripCounter().start();
    const outcomes = await Promise.allSettled([
      ...ids.slice(0, 5).map((id) => batcher.store(receipt(id))),
      batcher.store(receipt(bad, 'no-such-source')), // the foreign key refuses it
      ...ids.slice(5).map((id) => batcher.store(receipt(id))),
    ]);
    counter.stop();
    expect(outcomes.map((o) => o.status)).toEqual([
      ...Array(5).fill('fulfilled'),
      'rejected',
      ...Array(5).fill('fulfilled'),
    ]);
    expect(String((outcomes[5] as PromiseRejectedResult).reason)).toMatch(/foreign key/);
    // They went together first (one statement of 11), then one by one.
    const inserts = [...counter.sql.byKind].find(([k]) => k.startsWith(INSERTS))![1];
    expect(inserts).toBe(1 + 11);
    const rows = await rowsOf([...ids, bad]);
    expect(rows).toHaveLength(10);
    expect(rows.every((r) => r.n === 1 && r.queued === 1)).toBe(true);
  });

  it('PostgreSQL refusing the statement reaches every receipt of it, and nothing is acknowledged', async () => {
    const ids = Array.from({ length: 3 }, () => `msg_${randomUUID()}`);
    const outcomes = await Promise.allSettled(ids.map((id) => batcher.store(receipt(id, 'no-such-source'))));
    expect(outcomes.every((o) => o.status === 'rejected')).toBe(true);
    expect(await rowsOf(ids)).toEqual([]);
  });

  it('stored but not queued (Redis gone between the commit and the queue): answered, then queued by the sweep', async () => {
    const hubQueue = hub.app.get<ReceiptsService, { ingest: Queue }>(ReceiptsService).ingest;
    jest.spyOn(hubQueue, 'addBulk').mockRejectedValueOnce(new Error('Connection is closed.'));
    const ids = Array.from({ length: 5 }, () => `msg_${randomUUID()}`);
    const stored = await Promise.all(ids.map((id) => batcher.store(receipt(id))));
    expect(stored.every((s) => !s.replay)).toBe(true);
    expect((await rowsOf(ids)).every((r) => r.n === 1 && r.queued === 0)).toBe(true);
    for (const s of stored) expect(await ingest.getJob(`receipt.${s.receiptId}`)).toBeUndefined();
    // The sweep takes receipts never queued once they are 5 s old; this one is told 0.
    const swept = await hub.app.get(ReceiptsService).sweep(0);
    expect(swept).toBeGreaterThanOrEqual(5);
    for (const s of stored)
      expect((await ingest.getJob(`receipt.${s.receiptId}`))?.data).toEqual({ receiptId: s.receiptId });
    expect((await rowsOf(ids)).every((r) => r.queued === 1)).toBe(true);
  });

  it("marks receipts queued without waiting for a worker that holds one; the worker's take sets its queued_at", async () => {
    const store = new PgReceiptRepository(hub.app.get(DataSource));
    const [held, free] = await store.storeWebhooks([
      receipt(`msg_${randomUUID()}`),
      receipt(`msg_${randomUUID()}`),
    ]);
    const queuedAt = async (id: string) =>
      (await db.query<{ queued_at: Date | null }>('SELECT queued_at FROM receipt WHERE id = $1', [id]))
        .rows[0].queued_at;
    // A worker that took `held` first (the queue ran its job before intake marked it).
    const worker = await hub.db();
    try {
      await worker.query('BEGIN');
      await worker.query('SELECT 1 FROM receipt WHERE id = $1 FOR UPDATE', [held.receiptId]);
      const marked = await Promise.race([
        store.markQueuedMany([held.receiptId, free.receiptId]).then(() => 'marked'),
        new Promise((r) => setTimeout(() => r('waited for the worker'), 5000)),
      ]);
      expect(marked).toBe('marked');
      expect(await queuedAt(free.receiptId)).toBeInstanceOf(Date);
      expect(await queuedAt(held.receiptId)).toBeNull();
    } finally {
      await worker.query('ROLLBACK');
      await worker.end();
    }
    const [taken] = await store.take([held.receiptId]);
    expect(taken.status).toBe('stored'); // as read: the intake's mark skipped it
    expect(await queuedAt(held.receiptId)).toBeInstanceOf(Date);
    const row = await db.query<{ status: string }>('SELECT status FROM receipt WHERE id = $1', [
      held.receiptId,
    ]);
    expect(row.rows[0].status).toBe('processing');
  });
});
