import request from 'supertest';
import { type Client } from 'pg';
import { SOURCE_CACHE_TTL_MS } from '@txng/connectors';
import { createActiveSource, JSON_SOURCE } from '../support/admin-client';
import { startGateway, type GatewayHarness } from '../support/gateway-harness';
import { RoundTripCounter } from '../support/round-trip-counter';
import { signWebhook } from '../support/webhook-signer';

const body = (n: number, i: number): string =>
  JSON.stringify({
    products: Array.from({ length: n }, (_, k) => ({
      gtin: '8935049500018',
      name: `Gạo ST25 túi ${i}-${k}`,
      owner: '0301234567',
      kg: 5,
    })),
  });

const SENT = 20;

/**
 * What one small webhook costs the gateway, and one receipt the worker, in SQL statements and Redis
 * commands: exact numbers (docs/BENCHMARKS.md, "Round trips per webhook"), unlike timings on a busy
 * machine. The bounds are today's counts, so a change that adds a round trip per webhook fails here.
 */
describe('round trips per small webhook (real PostgreSQL and Redis)', () => {
  let hub: GatewayHarness;
  let secret: string;

  const send = (i: number) => {
    const payload = body(1 + (i % 4), i);
    return request(hub.url)
      .post(`/v1/webhooks/${JSON_SOURCE.key}`)
      .set({ 'Content-Type': 'application/json', ...signWebhook(secret, payload) })
      .send(payload)
      .expect(202);
  };

  afterEach(async () => {
    await hub?.close();
  });

  it('at the gateway: one webhook at a time, and 64 at once', async () => {
    hub = await startGateway();
    secret = await createActiveSource(hub.url, { ...JSON_SOURCE, rateLimitPerMinute: 100_000 });
    await send(-1); // the mapping sandbox and the source's mapping warm

    const one = new RoundTripCounter().start();
    const started = Date.now();
    for (let i = 0; i < SENT; i++) await send(i);
    const elapsed = Date.now() - started;
    one.stop();
    process.stdout.write(`\n--- gateway, one webhook at a time (${SENT})\n${one.report(SENT)}\n`);

    const many = new RoundTripCounter().start();
    await Promise.all(Array.from({ length: 64 }, (_, i) => send(1000 + i)));
    many.stop();
    process.stdout.write(`\n--- gateway, 64 webhooks at once\n${many.report(64)}\n`);

    // The source is read again once its copy in memory is older than SOURCE_CACHE_TTL_MS.
    const sourceReads = [...one.sql.byKind]
      .filter(([k]) => k.includes('"SourceEntity"'))
      .reduce((n, [, c]) => n + c, 0);
    expect(sourceReads).toBeLessThanOrEqual(1 + Math.ceil(elapsed / SOURCE_CACHE_TTL_MS));
    expect((one.sql.total - sourceReads) / SENT).toBeLessThanOrEqual(GATEWAY_SQL_PER_WEBHOOK);
    expect(one.redis.total / SENT).toBeLessThanOrEqual(GATEWAY_REDIS_PER_WEBHOOK);
    // Together, webhooks share statements and Redis round trips (the group commit); never more.
    const manySourceReads = [...many.sql.byKind]
      .filter(([k]) => k.includes('"SourceEntity"'))
      .reduce((n, [, c]) => n + c, 0);
    expect((many.sql.total - manySourceReads) / 64).toBeLessThanOrEqual(GATEWAY_SQL_PER_WEBHOOK);
    expect(many.redis.total / 64).toBeLessThanOrEqual(GATEWAY_REDIS_PER_WEBHOOK);
  });

  it('at the worker: one receipt', async () => {
    hub = await startGateway({ withWorkers: true });
    secret = await createActiveSource(hub.url, { ...JSON_SOURCE, rateLimitPerMinute: 100_000 });
    const db: Client = await hub.db();
    await send(-1);
    await waitJudged(db, 1);
    const ingest = hub.queue('ingest');
    await ingest.pause();
    for (let i = 0; i < SENT; i++) await send(i);

    const counter = new RoundTripCounter().start();
    const started = Date.now();
    await ingest.resume();
    await waitJudged(db, SENT + 1);
    const elapsed = Date.now() - started;
    counter.stop();
    // The test's own polling is not the worker's.
    counter.sql.total -= counter.sql.byKind.get(POLL) ?? 0;
    counter.sql.byKind.delete(POLL);
    process.stdout.write(`\n--- worker, ${SENT} receipts of one source\n${counter.report(SENT)}\n`);
    expect(counter.sql.total).toBeGreaterThan(0);
    // The source's definition comes from memory, for its judging and for its callbacks alike: read
    // again only once its copy is older than SOURCE_CACHE_TTL_MS (before: 2.85 per receipt).
    const sourceReads = [...counter.sql.byKind]
      .filter(([k]) => /FROM source WHERE|"SourceEntity"/.test(k))
      .reduce((n, [, c]) => n + c, 0);
    expect(sourceReads).toBeLessThanOrEqual(1 + Math.ceil(elapsed / SOURCE_CACHE_TTL_MS));
  });
});

const POLL = `SELECT count(*)::int AS n FROM receipt WHERE status = 'processed'`;

async function waitJudged(db: Client, n: number): Promise<void> {
  const until = Date.now() + 60_000;
  while (Date.now() < until) {
    const { rows } = await db.query(POLL);
    if ((rows[0] as { n: number }).n >= n) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${n} receipts not judged within 60 s`);
}

/** Today's counts (docs/BENCHMARKS.md, "Round trips per webhook"). */
/** Besides the source's definition, read once per SOURCE_CACHE_TTL_MS at most. */
const GATEWAY_SQL_PER_WEBHOOK = 2;
const GATEWAY_REDIS_PER_WEBHOOK = 2;
