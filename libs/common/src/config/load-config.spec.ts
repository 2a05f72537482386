import { ConfigError, loadConfig, redactUrl } from './load-config';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => p.variable);
    throw error;
  }
  return [];
}

describe('loadConfig', () => {
  it('applies the contract defaults in development', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.databaseUrl).toBe('postgres://postgres@127.0.0.1:5432/txng_hub');
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(config.nodeEnv).toBe('development');
    expect(config.portalSandbox).toBeNull();
    expect(config.secretKeyGenerated).toBe(true);
    expect(config.prefixRegistryCheck).toBe(true);
  });

  it('reads the sync knobs with their defaults and names each bad one', () => {
    expect(loadConfig({}).sync).toMatchObject({ tickMs: 1000, lingerMs: 1000, maxRecords: 500, maxAttempts: 0 });
    expect(loadConfig({ SYNC_LINGER_MS: '250' }).sync.lingerMs).toBe(250);
    expect(problemsOf({ SYNC_TICK_MS: '10', SYNC_BATCH_MAX_RECORDS: '501', RECONCILE_EVERY_MS: 'x' })).toEqual([
      'SYNC_TICK_MS',
      'SYNC_BATCH_MAX_RECORDS',
      'RECONCILE_EVERY_MS',
    ]);
  });

  it('turns the prefix-registry check off only when asked, and names a bad value', () => {
    expect(loadConfig({ PREFIX_REGISTRY_CHECK: 'off' }).prefixRegistryCheck).toBe(false);
    expect(loadConfig({ PREFIX_REGISTRY_CHECK: 'ON' }).prefixRegistryCheck).toBe(true);
    expect(problemsOf({ PREFIX_REGISTRY_CHECK: 'no' })).toEqual(['PREFIX_REGISTRY_CHECK']);
  });

  it('sends the hot statements prepared unless DATABASE_PREPARED_STATEMENTS=off, and names a bad value', () => {
    expect(loadConfig({}).databasePreparedStatements).toBe(true);
    expect(loadConfig({ DATABASE_PREPARED_STATEMENTS: 'off' }).databasePreparedStatements).toBe(false);
    expect(problemsOf({ DATABASE_PREPARED_STATEMENTS: 'yes' })).toEqual(['DATABASE_PREPARED_STATEMENTS']);
  });

  it('reads OUTBOUND_ALLOWLIST (empty by default) and names it when an entry is malformed', () => {
    expect(loadConfig({}).outboundAllowlist).toEqual([]);
    expect(loadConfig({ OUTBOUND_ALLOWLIST: '127.0.0.1:4201, api.example.org' }).outboundAllowlist).toEqual([
      { kind: 'network', text: '127.0.0.1:4201', address: '127.0.0.1', prefix: 32, family: 4, port: 4201 },
      { kind: 'host', text: 'api.example.org', host: 'api.example.org', port: null },
    ]);
    expect(problemsOf({ OUTBOUND_ALLOWLIST: '127.0.0.1, 10.0.0.0/40' })).toEqual(['OUTBOUND_ALLOWLIST']);
    expect(problemsOf({ OUTBOUND_ALLOWLIST: 'not a host' })).toEqual(['OUTBOUND_ALLOWLIST']);
  });

  it.each([['abc'], ['0'], ['70000'], ['3000.5'], ['-1']])('names PORT when it is %s', (port) => {
    expect(problemsOf({ PORT: port })).toEqual(['PORT']);
  });

  it.each([['not a url'], ['mysql://root@localhost/db'], ['postgres://127.0.0.1:5432']])(
    'names DATABASE_URL when it is %s',
    (url) => {
      expect(problemsOf({ DATABASE_URL: url })).toEqual(['DATABASE_URL']);
    },
  );

  it('requires the admin token and secret key in production, naming both', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toEqual(['HUB_ADMIN_TOKEN', 'HUB_SECRET_KEY']);
  });

  it('refuses a short secret key even in development', () => {
    expect(problemsOf({ HUB_SECRET_KEY: 'short' })).toEqual(['HUB_SECRET_KEY']);
  });

  it('needs the sandbox client pair when a sandbox URL is given', () => {
    expect(problemsOf({ PORTAL_SANDBOX_BASE_URL: 'http://127.0.0.1:4200' })).toEqual([
      'PORTAL_SANDBOX_CLIENT_ID',
      'PORTAL_SANDBOX_CLIENT_SECRET',
    ]);
  });

  it('never echoes a database password in its message', () => {
    try {
      loadConfig({ DATABASE_URL: 'mysql://u:hunter2@db/x' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect((error as Error).message).toContain('DATABASE_URL');
      expect((error as Error).message).not.toContain('hunter2');
    }
  });

  it('redacts passwords in URLs', () => {
    expect(redactUrl('postgres://u:secret@h:5432/db')).toBe('postgres://u:***@h:5432/db');
  });
});
