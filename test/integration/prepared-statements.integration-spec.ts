import { setTimeout as sleep } from 'node:timers/promises';
import { dataSourceOptions, prepared, preparedName } from '@txng/persistence';
import { DataSource } from 'typeorm';
import { createTestEnv, type TestEnv } from '../support/test-env';

/**
 * Named prepared statements (libs/persistence/src/database/prepared-statements.ts) against real
 * PostgreSQL, through TypeORM as the hub uses it: a marked text is prepared once on its connection
 * and answers as the unnamed one does, in and out of transactions; an unmarked text is never
 * prepared; the plans PostgreSQL keeps for it go with the connection after PLAN_LIFETIME_S; and with
 * the option off nothing is prepared.
 */
describe('prepared statements (real PostgreSQL)', () => {
  let env: TestEnv;

  beforeAll(async () => {
    env = await createTestEnv();
  });
  afterAll(async () => {
    await env?.dispose();
  });

  const MARKED = prepared(`SELECT $1::int + 1 AS n, 'marked' AS what`);
  const UNMARKED = `SELECT $1::int + 2 AS n, 'unmarked' AS what`;

  /** The names prepared on the connection a query runner holds. */
  const preparedOn = async (
    ds: DataSource,
    run: (q: (sql: string, p: unknown[]) => Promise<unknown>) => Promise<void>,
  ) => {
    const runner = ds.createQueryRunner();
    try {
      await runner.connect();
      await run((sql, p) => runner.query(sql, p));
      const rows: Array<{ name: string }> = await runner.query(
        `SELECT name FROM pg_prepared_statements WHERE NOT from_sql ORDER BY name`,
      );
      return rows.map((r) => r.name);
    } finally {
      await runner.release();
    }
  };

  it('prepares a marked statement once per connection and answers as the unnamed one does', async () => {
    const ds = new DataSource({ ...dataSourceOptions(env.databaseUrl, { preparedStatements: true }) });
    await ds.initialize();
    try {
      const answers: unknown[] = [];
      const names = await preparedOn(ds, async (q) => {
        for (let i = 0; i < 7; i++) answers.push(await q(MARKED, [i])); // past the 5 custom plans
        answers.push(await q(UNMARKED, [1]));
      });
      expect(names).toEqual([preparedName(MARKED)]);
      expect(preparedName(UNMARKED)).toBeUndefined();
      expect(answers[0]).toEqual([{ n: 1, what: 'marked' }]);
      expect(answers[6]).toEqual([{ n: 7, what: 'marked' }]);
      expect(answers[7]).toEqual([{ n: 3, what: 'unmarked' }]);

      // In a transaction, and after an error that aborted one: the named statement still answers.
      const inTx: unknown = await ds.transaction(async (m): Promise<unknown> => m.query(MARKED, [41]));
      expect(inTx).toEqual([{ n: 42, what: 'marked' }]);
      await expect(
        ds.transaction(async (m): Promise<unknown> => m.query(MARKED, ['not a number'])),
      ).rejects.toThrow(/invalid input syntax/);
      expect(await ds.query(MARKED, [1])).toEqual([{ n: 2, what: 'marked' }]);
    } finally {
      await ds.destroy();
    }
  });

  it('renews the plans it keeps with the connection, PLAN_LIFETIME_S after it was made', async () => {
    // A lifetime of 5 s instead of PLAN_LIFETIME_S, so the spec does not wait a minute; long
    // enough for the steps before the wait to share one connection on a loaded machine.
    const ds = new DataSource({
      ...dataSourceOptions(env.databaseUrl, { preparedStatements: true, planLifetimeS: 5 }),
    });
    await ds.initialize();
    const BY_OWNER = prepared(`SELECT count(*)::int AS n FROM prep_growth WHERE owner = $1`);
    /** Runs the statement past PostgreSQL's five custom plans; answers its plan then, and the backend. */
    const planAfterUse = async () => {
      const runner = ds.createQueryRunner();
      try {
        await runner.connect();
        for (let i = 0; i < 8; i++) await runner.query(BY_OWNER, [i + 1]);
        const plan: Array<{ 'QUERY PLAN': string }> = await runner.query(
          `EXPLAIN EXECUTE ${preparedName(BY_OWNER)}(12345)`,
        );
        const [{ pid }]: Array<{ pid: number }> = await runner.query(`SELECT pg_backend_pid() AS pid`);
        return { plan: plan.map((r) => r['QUERY PLAN']).join('\n'), pid };
      } finally {
        await runner.release();
      }
    };
    try {
      // No autovacuum on it: an ANALYZE between the growth and the second look would replace the
      // kept plan by itself (as it should), and the spec would not see what it is about.
      await ds.query(
        `CREATE TABLE prep_growth (id int PRIMARY KEY, owner int NOT NULL) WITH (autovacuum_enabled = false)`,
      );
      await ds.query(`CREATE INDEX prep_growth_owner ON prep_growth (owner)`);
      await ds.query(`INSERT INTO prep_growth SELECT g, g FROM generate_series(1, 10) g`);
      await ds.query(`ANALYZE prep_growth`); // statistics of the small table: a scan is cheapest
      const small = await planAfterUse();
      expect(small.plan).toMatch(/Seq Scan/);

      // The table grows two-thousandfold with no ANALYZE in between (autovacuum off, or not yet).
      await ds.query(`INSERT INTO prep_growth SELECT g, g FROM generate_series(11, 20000) g`);
      // While the connection lives, PostgreSQL keeps the generic plan made for ten rows.
      const kept = await planAfterUse();
      expect(kept.pid).toBe(small.pid);
      expect(kept.plan).toMatch(/Seq Scan/);

      // Past its lifetime the pool ends that connection; the next one plans for 20,000 rows.
      await sleep(5500);
      const renewed = await planAfterUse();
      expect(renewed.pid).not.toBe(small.pid);
      expect(renewed.plan).toMatch(/Index Only Scan|Index Scan|Bitmap Index Scan/);
      expect(renewed.plan).not.toMatch(/Seq Scan/);
    } finally {
      await ds.query(`DROP TABLE IF EXISTS prep_growth`);
      await ds.destroy();
    }
  });

  it('prepares nothing when the option is off', async () => {
    const ds = new DataSource({ ...dataSourceOptions(env.databaseUrl) });
    await ds.initialize();
    try {
      const names = await preparedOn(ds, async (q) => {
        await q(MARKED, [1]);
      });
      expect(names).toEqual([]);
    } finally {
      await ds.destroy();
    }
  });
});
