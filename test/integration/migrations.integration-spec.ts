import { Client } from 'pg';
import { DatabaseStartupError, MIGRATIONS, migrateDatabase, revertLastMigration } from '@txng/persistence';
import { withoutHolder } from '@txng/persistence/migrations/1764299700000-findings-without-holder';
import { prefixWithoutHolder } from '@txng/persistence/migrations/1796437879609-prefix-findings-without-holder';
import { createTestEnv, dropDatabase, runId, type TestEnv } from '../support/test-env';

async function tables(databaseUrl: string): Promise<string[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const res = await client.query<{ tablename: string }>(
      "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
    );
    return res.rows.map((r) => r.tablename);
  } finally {
    await client.end();
  }
}

describe('migrations (real PostgreSQL)', () => {
  let env: TestEnv;

  beforeEach(async () => {
    env = await createTestEnv();
  });
  afterEach(async () => {
    await env.dispose();
  });

  it('applies every migration once, then reports nothing to do', async () => {
    const first = await migrateDatabase(env.databaseUrl);
    expect(first.applied).toEqual(MIGRATIONS.map((m) => m.name));
    expect(await tables(env.databaseUrl)).toEqual(
      expect.arrayContaining(['api_token', 'audit_log', 'schema_migrations']),
    );
    const second = await migrateDatabase(env.databaseUrl);
    expect(second.applied).toEqual([]);
  });

  it('lets several processes migrate at once without applying anything twice', async () => {
    const reports = await Promise.all([1, 2, 3].map(() => migrateDatabase(env.databaseUrl)));
    const applied = reports.flatMap((r) => r.applied);
    expect(applied.sort()).toEqual(MIGRATIONS.map((m) => m.name).sort());
  });

  it('refuses a schema newer than this build', async () => {
    await migrateDatabase(env.databaseUrl);
    const client = new Client({ connectionString: env.databaseUrl });
    await client.connect();
    await client.query(
      "INSERT INTO schema_migrations (timestamp, name) VALUES (9999999999999, 'FromTheFuture9999999999999')",
    );
    await client.end();
    await expect(migrateDatabase(env.databaseUrl)).rejects.toThrow(DatabaseStartupError);
    await expect(migrateDatabase(env.databaseUrl)).rejects.toThrow(/FromTheFuture9999999999999/);
  });

  it('reverts the latest migration with its down step', async () => {
    await migrateDatabase(env.databaseUrl);
    const reverted = await revertLastMigration(env.databaseUrl);
    expect(reverted).toBe(MIGRATIONS[MIGRATIONS.length - 1].name);
    const remaining = await migrateDatabase(env.databaseUrl);
    expect(remaining.applied).toEqual([MIGRATIONS[MIGRATIONS.length - 1].name]);
  });

  it('creates the database named by DATABASE_URL when it does not exist', async () => {
    const url = new URL(env.databaseUrl);
    const name = `txng_t_${runId()}_created`;
    url.pathname = `/${name}`;
    try {
      const report = await migrateDatabase(url.toString());
      expect(report.createdDatabase).toBe(true);
      expect(await tables(url.toString())).toContain('api_token');
    } finally {
      await dropDatabase(name);
    }
  });

  it("rewrites stored conflict findings so they no longer name the key's holder", async () => {
    const client = new Client({ connectionString: env.databaseUrl });
    await client.connect();
    try {
      const rewrite = async (text: string) =>
        (await client.query<{ t: string }>(`SELECT ${withoutHolder('$1::text')} AS t`, [text])).rows[0].t;
      expect(
        await rewrite(
          'gtin:08938523000011 is held by claimant 0301234567 (version 2); this record claims it for 2000111222. An operator must decide.',
        ),
      ).toBe(
        'gtin:08938523000011 is already claimed by another owner; this record claims it for 2000111222. An operator must decide.',
      );
      expect(
        await rewrite(
          'urn:epc:id:sgtin:8938523.000001.7 was already commissioned by event ni:///sha-256;ab?ver=CBV2.0 (readPoint urn:epc:id:sgln:8938523.00001.0, 0301234567); this event commissions it again at no readPoint for 2000111222. An operator must decide.',
        ),
      ).toBe(
        'urn:epc:id:sgtin:8938523.000001.7 was already commissioned by event ni:///sha-256;ab?ver=CBV2.0; this event commissions it again at no readPoint for 2000111222. An operator must decide.',
      );
      const untouched = 'the product has no name';
      expect(await rewrite(untouched)).toBe(untouched);
    } finally {
      await client.end();
    }
  });

  it("rewrites stored GTIN_PREFIX_OWNER findings that named the key's holder as the prefix's owner", async () => {
    const client = new Client({ connectionString: env.databaseUrl });
    await client.connect();
    try {
      const rewrite = async (text: string, holder: string) =>
        (
          await client.query<{ t: string }>(`SELECT ${prefixWithoutHolder('$1::text', '$2::text')} AS t`, [
            text,
            holder,
          ])
        ).rows[0].t;
      const active =
        "GS1 company prefix 8935049 of this GTIN belongs to tax code 0301234567 in the portal's registry; this record names owner 0109876543. An operator must decide.";
      expect(await rewrite(active, '0301234567')).toBe(
        "GS1 company prefix 8935049 of this GTIN belongs to the owner already holding this key in the portal's registry; this record names owner 0109876543. An operator must decide.",
      );
      const revoked =
        "GS1 company prefix 8935049 of this GTIN is revoked in the portal's registry (it was registered to 0301234567). An operator must decide.";
      expect(await rewrite(revoked, '0301234567')).toBe(
        "GS1 company prefix 8935049 of this GTIN is revoked in the portal's registry (it was registered to the owner already holding this key). An operator must decide.",
      );
      // A registry owner who is not the holder is the registry's fact, and stays.
      expect(await rewrite(active, '0309999999')).toBe(active);
    } finally {
      await client.end();
    }
  });

  it('names DATABASE_URL when PostgreSQL cannot be reached', async () => {
    await expect(migrateDatabase('postgres://postgres@127.0.0.1:1/none')).rejects.toThrow(
      /DATABASE_URL=postgres:\/\/postgres@127\.0\.0\.1:1\/none/,
    );
  });
});
