import { dataSourceOptions, prepared, preparedName } from '@txng/persistence';
import { DataSource } from 'typeorm';
import { createTestEnv, type TestEnv } from '../support/test-env';

/**
 * Named prepared statements (libs/persistence/src/database/prepared-statements.ts) against real
 * PostgreSQL, through TypeORM as the hub uses it: a marked text is prepared once on its connection
 * and answers as the unnamed one does, in and out of transactions; an unmarked text is never
 * prepared; and with the option off nothing is.
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
