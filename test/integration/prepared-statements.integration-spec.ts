import { dataSourceOptions, prepared, preparedName } from '@txng/persistence';
import { DataSource } from 'typeorm';
import { createTestEnv, type TestEnv } from '../support/test-env';

/**
 * Named prepared statements (libs/persistence/src/database/prepared-statements.ts) against real
 * PostgreSQL, through TypeORM as the hub uses it: a marked text is prepared once on its connection
 * and answers as the unnamed one does, in and out of transactions; an unmarked text is never
 * prepared; every execution is planned afresh; and with the option off nothing is.
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

  it('plans each execution for the table as it is now, not as it was when first prepared', async () => {
    const ds = new DataSource({ ...dataSourceOptions(env.databaseUrl, { preparedStatements: true }) });
    await ds.initialize();
    const BY_OWNER = prepared(`SELECT count(*)::int AS n FROM prep_growth WHERE owner = $1`);
    const runner = ds.createQueryRunner();
    try {
      await runner.connect();
      await runner.query(`CREATE TABLE prep_growth (id int PRIMARY KEY, owner int NOT NULL)`);
      await runner.query(`CREATE INDEX prep_growth_owner ON prep_growth (owner)`);
      await runner.query(`INSERT INTO prep_growth SELECT g, g % 5 FROM generate_series(1, 10) g`);
      await runner.query(`ANALYZE prep_growth`); // statistics of the small table: a scan is cheapest
      // Past the five custom plans after which PostgreSQL's `auto` mode keeps a generic one.
      for (let i = 0; i < 8; i++) await runner.query(BY_OWNER, [i % 5]);
      // The table grows a thousandfold with no ANALYZE in between (autovacuum off, or not yet).
      await runner.query(`INSERT INTO prep_growth SELECT g, g FROM generate_series(11, 20000) g`);
      expect(await runner.query(BY_OWNER, [12345])).toEqual([{ n: 1 }]);
      const plan: Array<{ 'QUERY PLAN': string }> = await runner.query(
        `EXPLAIN EXECUTE ${preparedName(BY_OWNER)}(12345)`,
      );
      const text = plan.map((r) => r['QUERY PLAN']).join('\n');
      // The plan kept from the ten-row table was a sequential scan of every row.
      expect(text).toMatch(/Index Only Scan|Index Scan|Bitmap Index Scan/);
      expect(text).not.toMatch(/Seq Scan/);
      const [counts]: Array<{ generic_plans: string; custom_plans: string }> = await runner.query(
        `SELECT generic_plans::text, custom_plans::text FROM pg_prepared_statements WHERE name = $1`,
        [preparedName(BY_OWNER)],
      );
      expect(counts).toEqual({ generic_plans: '0', custom_plans: '10' });
    } finally {
      await runner.query(`DROP TABLE IF EXISTS prep_growth`);
      await runner.release();
      await ds.destroy();
    }
  });

  it("keeps planning each execution when DATABASE_URL names start-up options of its own", async () => {
    const url = new URL(env.databaseUrl);
    url.searchParams.set('options', '-c statement_timeout=4321 -c application_name=txng-own');
    const withOwn = url.toString();
    // An operator's explicit plan_cache_mode in the URL is theirs to choose, and still wins.
    url.searchParams.set('options', '-c plan_cache_mode=auto');
    const ownPlanMode = url.toString();

    const settingsOf = async (databaseUrl: string) => {
      const ds = new DataSource({ ...dataSourceOptions(databaseUrl, { preparedStatements: true }) });
      await ds.initialize();
      try {
        const [row]: Array<Record<string, string>> = await ds.query(
          `SELECT current_setting('plan_cache_mode') AS plan_cache_mode,
                  current_setting('statement_timeout') AS statement_timeout,
                  current_setting('application_name') AS application_name`,
        );
        return row;
      } finally {
        await ds.destroy();
      }
    };
    // pg reads the URL after the pool's settings: its `options` used to replace the hub's.
    expect(await settingsOf(withOwn)).toEqual({
      plan_cache_mode: 'force_custom_plan',
      statement_timeout: '4321ms',
      application_name: 'txng-own',
    });
    expect(await settingsOf(ownPlanMode)).toMatchObject({ plan_cache_mode: 'auto' });
    expect(await settingsOf(env.databaseUrl)).toMatchObject({ plan_cache_mode: 'force_custom_plan' });
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
