import { type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type Queue } from 'bullmq';
import { type Client } from 'pg';
import { WorkerAppModule } from '../../apps/worker/src/worker-app.module';
import { createActiveSource } from '../support/admin-client';
import { startGateway, type GatewayHarness } from '../support/gateway-harness';
import { waitForQueuesToDrain } from '../support/wait-for-queues';
import { passThroughSource, sendWebhook } from '../support/webhook-sources';

const WORKER_CONTEXTS = 3;
const OWNER = '0301234567';
const SOURCE = passThroughSource('pl-hammer', '92', 'Nguồn kiểm thử đồng thời');
const product = (gtin: string, name: string) => ({
  gtin,
  name,
  ownerTaxCode: OWNER,
  netContent: { value: 5, uom: 'KGM' },
});

/**
 * Several worker processes' worth of BullMQ workers (separate Nest application contexts on the same
 * database and Redis prefix) judging receipts that all touch the same keys at once. Correctness must
 * come from the database: versions 1..N without gaps or repeats, every distinct content exactly once.
 */
describe('pipeline under concurrency (several worker contexts, one key)', () => {
  let hub: GatewayHarness;
  let workers: INestApplicationContext[] = [];
  let ingest: Queue;
  let db: Client;
  let secret: string;

  const send = (envelope: unknown): Promise<string> => sendWebhook(hub.url, SOURCE.key, secret, envelope);

  async function versionsOf(key: string): Promise<Array<{ version: number; name: string }>> {
    const res = await db.query<{ version: number; name: string }>(
      `SELECT version, data->>'name' AS name FROM record_version WHERE kind = 'product' AND key = $1 AND version IS NOT NULL ORDER BY version`,
      [key],
    );
    return res.rows;
  }

  function expectContiguous(rows: Array<{ version: number; name: string }>, names: string[]): void {
    expect(rows.map((r) => r.version)).toEqual(names.map((_, i) => i + 1));
    expect(rows.map((r) => r.name).sort()).toEqual([...names].sort());
  }

  beforeAll(async () => {
    hub = await startGateway({ withWorkers: false });
    secret = await createActiveSource(hub.url, SOURCE);
    ingest = hub.queue('ingest');
    db = await hub.db();
    workers = await Promise.all(
      Array.from({ length: WORKER_CONTEXTS }, async () => {
        const ctx = await NestFactory.createApplicationContext(WorkerAppModule.forRoot(hub.env.config), {
          logger: false,
          abortOnError: false,
        });
        await ctx.init();
        return ctx;
      }),
    );
  });
  /** Connections a test holds row locks on: ended before the workers, which may be waiting on them. */
  const holders: Client[] = [];
  afterAll(async () => {
    await Promise.all(holders.map((h) => h.end().catch(() => undefined)));
    await Promise.all(workers.map((w) => w.close()));
    await hub?.close();
  });

  it('numbers 150 concurrent updates of one product 1..150, each content once', async () => {
    const gtin = '8935049500018';
    const names = Array.from({ length: 50 * WORKER_CONTEXTS }, (_, i) => `Gạo ST25 lần ${i}`);
    await ingest.pause();
    const receipts: string[] = [];
    for (const name of names) receipts.push(await send({ products: [product(gtin, name)] }));
    await ingest.resume();
    await waitForQueuesToDrain([ingest], { timeoutMs: 45_000 });

    expect(await ingest.getJobCounts('failed')).toEqual({ failed: 0 });
    expectContiguous(await versionsOf(`gtin:0${gtin}`), names);
    const record = await db.query(
      `SELECT latest_version, status FROM record WHERE kind = 'product' AND key = $1`,
      [`gtin:0${gtin}`],
    );
    expect(record.rows[0]).toEqual({ latest_version: names.length, status: 'ready' });
    const links = await db.query(
      `SELECT outcome, count(*)::int AS n FROM receipt_record WHERE receipt_id = ANY($1::uuid[]) GROUP BY outcome ORDER BY outcome`,
      [receipts],
    );
    expect(links.rows).toEqual([
      { outcome: 'new', n: 1 },
      { outcome: 'version', n: names.length - 1 },
    ]);
  });

  it('does not deadlock or lose versions when receipts touch several shared keys in different orders', async () => {
    const gtins = ['8935049500025', '8935049500032', '8935049500049', '8935049500056', '8935049500063'];
    const rounds = 40;
    await ingest.pause();
    const perKey = new Map<string, string[]>(gtins.map((g) => [g, []]));
    for (let r = 0; r < rounds; r++) {
      const order = [...gtins].sort(() => Math.random() - 0.5);
      const products = order.map((g) => product(g, `Sản phẩm ${g} vòng ${r}`));
      for (const p of products) perKey.get(p.gtin)!.push(p.name);
      await send({ products });
    }
    await ingest.resume();
    await waitForQueuesToDrain([ingest], { timeoutMs: 45_000 });
    expect(await ingest.getJobCounts('failed')).toEqual({ failed: 0 });
    for (const [gtin, names] of perKey) expectContiguous(await versionsOf(`gtin:0${gtin}`), names);
  });

  it("judges a repeat of a key's latest content while another transaction holds the key, and waits with new content", async () => {
    const gtin = '8935049500070';
    const key = `gtin:0${gtin}`;
    const first = product(gtin, 'Cà phê Buôn Ma Thuột');
    await send({ products: [first] });
    await waitForQueuesToDrain([ingest], { timeoutMs: 20_000 });
    const stateOf = async (receiptId: string) =>
      (
        await db.query<{ status: string; counts: Record<string, number> | null }>(
          `SELECT status, counts FROM receipt WHERE id = $1`,
          [receiptId],
        )
      ).rows[0];
    const until = async (receiptId: string, status: string) => {
      const deadline = Date.now() + 15_000;
      for (;;) {
        const state = await stateOf(receiptId);
        if (state.status === status || Date.now() > deadline) return state;
        await new Promise((r) => setTimeout(r, 50));
      }
    };

    // Another transaction (a conflict decision, a sync acknowledgement) holds the record's row.
    const holder = await hub.db();
    holders.push(holder);
    await holder.query('BEGIN');
    await holder.query(`SELECT 1 FROM record WHERE kind = 'product' AND key = $1 FOR UPDATE`, [key]);
    try {
      const repeat = await send({ products: [first] });
      expect(await until(repeat, 'processed')).toEqual({
        status: 'processed',
        counts: expect.objectContaining({ duplicate: 1 }),
      });

      const changed = await send({ products: [product(gtin, 'Cà phê Buôn Ma Thuột rang xay')] });
      await new Promise((r) => setTimeout(r, 1500));
      expect((await stateOf(changed)).status).toBe('processing'); // waiting for the row
      await holder.query('ROLLBACK');
      expect(await until(changed, 'processed')).toEqual({
        status: 'processed',
        counts: expect.objectContaining({ version: 1 }),
      });
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
    }
    expect((await versionsOf(key)).map((v) => v.name)).toEqual([
      'Cà phê Buôn Ma Thuột',
      'Cà phê Buôn Ma Thuột rang xay',
    ]);
  });
});
