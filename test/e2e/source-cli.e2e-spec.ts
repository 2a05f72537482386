import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createTestEnv, type TestEnv } from '../support/test-env';
import { hubProcessEnv, startBuilt } from '../support/processes';

const ROOT = join(__dirname, '..', '..');

describe('npm run source (built CLI) against a real database', () => {
  let env: TestEnv;
  let cliEnv: Record<string, string>;

  beforeAll(async () => {
    env = await createTestEnv();
    cliEnv = hubProcessEnv(env, { HUB_SECRET_KEY: env.config.secretKey });
  });
  afterAll(async () => {
    await env.dispose();
  });

  const query = async (sql: string): Promise<Array<Record<string, unknown>>> => {
    const db = new Client({ connectionString: env.databaseUrl });
    await db.connect();
    try {
      return (await db.query<Record<string, unknown>>(sql)).rows;
    } finally {
      await db.end();
    }
  };

  const run = async (args: string[], extra: Record<string, string> = {}) => {
    const proc = startBuilt('cli', ['source', ...args], { ...cliEnv, ...extra });
    const code = await proc.exited(30_000);
    return { code, output: proc.output() };
  };

  it('creates a webhook source from its YAML file, printing the secret once, then updates it in place', async () => {
    const file = join(ROOT, 'config/sources/can-tho-nong-san.yaml');
    const first = await run(['apply', file]);
    expect(first.code).toBe(0);
    expect(first.output).toMatch(/created source can-tho-nong-san/);
    expect(first.output).toMatch(/whsec_/);
    const second = await run(['apply', file]);
    expect(second.code).toBe(0);
    expect(second.output).toMatch(/updated source can-tho-nong-san .*mapping version 1\)/);
    expect(second.output).not.toMatch(/whsec_/);
    // In place: still one row for the key, not a second source.
    expect(await query("SELECT count(*)::int AS n FROM source WHERE key = 'can-tho-nong-san'")).toEqual([
      { n: 1 },
    ]);
  });

  it('substitutes ${VAR} credentials from the environment and refuses when one is missing', async () => {
    const file = join(ROOT, 'config/sources/tay-ninh-long-an.yaml');
    const missing = await run(['apply', file]);
    expect(missing.code).not.toBe(0);
    expect(missing.output).toContain('TAY_NINH_API_KEY');
    expect(await query("SELECT key FROM source WHERE key = 'tay-ninh-long-an'")).toEqual([]);
    const ok = await run(['apply', file], { TAY_NINH_API_KEY: 'k-tay-ninh-e2e-secret' });
    expect(ok.code).toBe(0);
    const [row] = await query(
      "SELECT secrets_enc, poll::text AS poll FROM source WHERE key = 'tay-ninh-long-an'",
    );
    // The key is stored, encrypted: a missing secrets_enc would pass the checks below for nothing.
    expect(row.secrets_enc).toEqual(expect.any(String));
    expect(row.poll).not.toContain('k-tay-ninh-e2e-secret');
    expect(row.secrets_enc).not.toContain('k-tay-ninh-e2e-secret');
  });

  it('refuses a poll definition with credentials in its URL, as the API does, storing nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'txng-cli-'));
    const file = join(dir, 'tay-ninh-key-in-url.yaml');
    const yaml = readFileSync(join(ROOT, 'config/sources/tay-ninh-long-an.yaml'), 'utf8')
      .replace('key: tay-ninh-long-an', 'key: tay-ninh-key-in-url')
      .replace(
        'url: http://127.0.0.1:4201/api/records',
        'url: http://127.0.0.1:4201/api/records?api_key=${TAY_NINH_API_KEY}',
      );
    writeFileSync(file, yaml);
    try {
      const refused = await run(['apply', file], { TAY_NINH_API_KEY: 'k-in-url-e2e-secret' });
      expect(refused.code).toBe(1);
      expect(refused.output).toContain('validation_failed');
      expect(refused.output).toMatch(/"path":"\/poll\/url".*carries credentials in its query \(api_key\)/);
      expect(refused.output).not.toContain('k-in-url-e2e-secret');
      expect(await query("SELECT key FROM source WHERE key = 'tay-ninh-key-in-url'")).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('previews a golden sample, printing records and findings (exit 3 when there are findings)', async () => {
    const result = await run([
      'preview',
      'can-tho-nong-san',
      join(ROOT, 'test/fixtures/provinces/can-tho-nong-san/sample-1.json'),
    ]);
    expect({ code: result.code, output: result.code === 3 ? '' : result.output.slice(-600) }).toEqual({
      code: 3,
      output: '',
    });
    const printed = JSON.parse(result.output.slice(result.output.indexOf('{')));
    expect(printed.records.length).toBeGreaterThan(0);
    const codes = printed.records.flatMap((r: { findings: Array<{ code: string }> }) =>
      r.findings.map((f) => f.code),
    );
    expect(codes).toContain('GTIN_FORMAT');
  });
});
