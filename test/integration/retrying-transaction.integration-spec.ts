import {
  pgErrorCode,
  recordKeyOrder,
  recordKeyOrderSql,
  retryingTransaction,
  TRANSACTION_ATTEMPTS,
  transactionBackoffMs,
} from '@txng/persistence';
import { DataSource } from 'typeorm';
import { createTestEnv, type TestEnv } from '../support/test-env';

/**
 * The hub's one retrying transaction and its lock order, against real PostgreSQL: a real deadlock
 * and real serialization failures are retried from the start (what failed attempts wrote is rolled
 * back), other errors are not, and the attempts stop at TRANSACTION_ATTEMPTS.
 */
describe('retryingTransaction and the lock order (real PostgreSQL)', () => {
  let env: TestEnv;
  let ds: DataSource;

  beforeAll(async () => {
    env = await createTestEnv();
    ds = new DataSource({ type: 'postgres', url: env.databaseUrl, extra: { max: 4 } });
    await ds.initialize();
    await ds.query(`CREATE TABLE t (id int PRIMARY KEY, n int NOT NULL DEFAULT 0)`);
    await ds.query(`CREATE TABLE attempt (id serial PRIMARY KEY, label text NOT NULL)`);
  });
  afterAll(async () => {
    await ds?.destroy();
    await env?.dispose();
  });
  beforeEach(async () => {
    await ds.query(`TRUNCATE t, attempt`);
    await ds.query(`INSERT INTO t (id) VALUES (1), (2)`);
  });

  const serializationFailure = `DO $$ BEGIN RAISE EXCEPTION 'could not serialize' USING ERRCODE = 'serialization_failure'; END $$`;

  it('runs one side of a real deadlock again, so both transactions commit', async () => {
    const retried: Array<string | undefined> = [];
    let held = 0;
    let bothHold!: () => void;
    const barrier = new Promise<void>((resolve) => (bothHold = resolve));
    const side = (first: number, second: number) => {
      let attempt = 0;
      return retryingTransaction(
        ds,
        async (m) => {
          attempt += 1;
          await m.query(`SET LOCAL deadlock_timeout = '50ms'`);
          await m.query(`UPDATE t SET n = n + 1 WHERE id = $1`, [first]);
          if (attempt === 1) {
            held += 1;
            if (held === 2) bothHold();
            await barrier;
          }
          await m.query(`UPDATE t SET n = n + 1 WHERE id = $1`, [second]);
          return attempt;
        },
        { onRetry: (_, error) => retried.push(pgErrorCode(error)) },
      );
    };
    const attempts = await Promise.all([side(1, 2), side(2, 1)]);

    expect(retried).toEqual(['40P01']);
    expect([...attempts].sort()).toEqual([1, 2]);
    const rows = await ds.query(`SELECT id, n FROM t ORDER BY id`);
    expect(rows).toEqual([
      { id: 1, n: 2 },
      { id: 2, n: 2 },
    ]);
  });

  it('retries serialization failures from the start; failed attempts leave nothing behind', async () => {
    let attempts = 0;
    const answer = await retryingTransaction(ds, async (m) => {
      attempts += 1;
      await m.query(`INSERT INTO attempt (label) VALUES ($1)`, [`attempt ${attempts}`]);
      if (attempts < 3) await m.query(serializationFailure);
      return 'done';
    });

    expect(answer).toBe('done');
    expect(attempts).toBe(3);
    expect(await ds.query(`SELECT label FROM attempt`)).toEqual([{ label: 'attempt 3' }]);
  });

  it(`gives up after ${TRANSACTION_ATTEMPTS} attempts, waiting longer before each`, async () => {
    let attempts = 0;
    const started = Date.now();
    const error: unknown = await retryingTransaction(ds, async (m) => {
      attempts += 1;
      await m.query(serializationFailure);
    }).catch((e: unknown) => e);

    expect(pgErrorCode(error)).toBe('40001');
    expect(attempts).toBe(TRANSACTION_ATTEMPTS);
    // At least the jitter-free part of the four waits: 10 + 20 + 30 + 40 ms.
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
  });

  it('throws any other error at once', async () => {
    let attempts = 0;
    const error: unknown = await retryingTransaction(ds, async (m) => {
      attempts += 1;
      await m.query(`INSERT INTO t (id) VALUES (1)`);
    }).catch((e: unknown) => e);

    expect(pgErrorCode(error)).toBe('23505');
    expect(attempts).toBe(1);
  });

  it('waits 10–30 ms after the first attempt, 20–40 ms after the second, …', () => {
    expect(transactionBackoffMs(1, () => 0)).toBe(10);
    expect(transactionBackoffMs(1, () => 0.999)).toBeCloseTo(29.98);
    expect(transactionBackoffMs(4, () => 0.5)).toBe(50);
  });

  it('sorts (kind, key) in TypeScript exactly as PostgreSQL sorts them COLLATE "C"', async () => {
    const keys = [
      { kind: 'product', key: 'gtin:08935049500018' },
      { kind: 'event', key: 'urn:uuid:b' },
      { kind: 'product', key: 'gtin:0893504950001' },
      { kind: 'location', key: 'gln:8930000000019' },
      { kind: 'event', key: 'urn:uuid:B' },
      { kind: 'event', key: 'urn:uuid:a_1' },
      { kind: 'event', key: 'urn:uuid:a-1' },
      { kind: 'product', key: 'gtin:Z' },
    ];
    const inSql: Array<{ kind: string; key: string }> = await ds.query(
      `SELECT kind, key FROM jsonb_to_recordset($1::jsonb) AS x(kind text, key text) ORDER BY ${recordKeyOrderSql('x')}`,
      [JSON.stringify(keys)],
    );
    expect([...keys].sort(recordKeyOrder)).toEqual(inSql);
  });
});
