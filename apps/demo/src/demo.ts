import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Redis from 'ioredis';
import { Client } from 'pg';
import { numberOption as num, UsageError } from '@txng/common/process/command-line';
import { readSourceFile } from '@txng/connectors/sources/source-file';
import { API_KEY_VARIABLE, secretVariable, WEBHOOK_SOURCES } from '@txng/simulators';
import { appCommand, Child } from './children';

export interface DemoOptions {
  seed: number;
  rate: number;
  durationSeconds: number;
  reset: boolean;
  port: number;
  portalPort: number;
  pollPort: number;
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  pollIntervalSeconds: number;
  adminToken: string;
  logLevel: string;
}

const USAGE = `npm run demo -- [options]
  --seed N            the same seed makes the same federation (default 2025)
  --rate R            deliveries per second per province (default 0.5)
  --duration S        the provinces send for S seconds, then go quiet; 0 = until Ctrl-C (default 0)
  --reset             drop the demo database and its Redis keys first (a fresh start)
  --port P            the hub's port (default 3000); --portal-port (4100), --poll-port (4201)
  --database-url URL  default postgres://postgres@127.0.0.1:5432/txng_demo (or DEMO_DATABASE_URL)
  --redis-url URL     default redis://127.0.0.1:6379 (or DEMO_REDIS_URL)
  --redis-prefix P    default txng-demo
  --poll-interval S   how often the hub polls Tây Ninh (default 10)
  --admin-token T     the operator token to print (or DEMO_ADMIN_TOKEN; default: a new one each run)
  --log-level L       the hub's and the simulators' log level (default warn)
  --rebuild           (npm run demo only) build every app again first`;

export function parseDemoArgs(args: string[], env: NodeJS.ProcessEnv = process.env): DemoOptions {
  const options: DemoOptions = {
    seed: 2025,
    rate: 0.5,
    durationSeconds: 0,
    reset: false,
    port: 3000,
    portalPort: 4100,
    pollPort: 4201,
    databaseUrl: env.DEMO_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/txng_demo',
    redisUrl: env.DEMO_REDIS_URL ?? 'redis://127.0.0.1:6379',
    redisPrefix: 'txng-demo',
    pollIntervalSeconds: 10,
    adminToken: env.DEMO_ADMIN_TOKEN ?? `demo_${randomBytes(16).toString('hex')}`,
    logLevel: 'warn',
  };
  for (let i = 0; i < args.length; i++) {
    const eq = args[i].indexOf('=');
    const flag = eq > 0 ? args[i].slice(0, eq) : args[i];
    const inline = eq > 0 ? args[i].slice(eq + 1) : undefined;
    const value = (): string | undefined => inline ?? args[++i];
    switch (flag) {
      case '--seed':
        options.seed = Math.trunc(num(flag, value(), 0, 2 ** 31));
        break;
      case '--rate':
        options.rate = num(flag, value(), 0.01, 100);
        break;
      case '--duration':
        options.durationSeconds = num(flag, value(), 0, 7 * 86_400);
        break;
      case '--reset':
        options.reset = true;
        break;
      case '--port':
        options.port = Math.trunc(num(flag, value(), 1, 65535));
        break;
      case '--portal-port':
        options.portalPort = Math.trunc(num(flag, value(), 1, 65535));
        break;
      case '--poll-port':
        options.pollPort = Math.trunc(num(flag, value(), 1, 65535));
        break;
      case '--database-url':
        options.databaseUrl = value() ?? '';
        break;
      case '--redis-url':
        options.redisUrl = value() ?? '';
        break;
      case '--redis-prefix':
        options.redisPrefix = value() ?? '';
        break;
      case '--poll-interval':
        options.pollIntervalSeconds = Math.trunc(num(flag, value(), 5, 86_400));
        break;
      case '--admin-token':
        options.adminToken = value() ?? '';
        break;
      case '--log-level':
        options.logLevel = value() ?? '';
        break;
      case '--help':
      case '-h':
        throw new UsageError('');
      default:
        throw new UsageError(`unknown option ${args[i]}`);
    }
  }
  if (options.adminToken.length < 16) throw new UsageError('--admin-token must be at least 16 characters');
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(options.redisPrefix))
    throw new UsageError('--redis-prefix must be 1-64 letters, digits, _ . -');
  return options;
}

const say = (line: string): void => void process.stdout.write(`demo: ${line}\n`);
const echo = (line: string): void => void process.stdout.write(`${line}\n`);

/** The repository root: the folder with nest-cli.json above this file (src or dist). */
function repoRoot(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir))
    if (existsSync(join(dir, 'nest-cli.json'))) return dir;
  return process.cwd();
}

const hostOf = (url: string): string => {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || (u.protocol.startsWith('redis') ? 6379 : 5432)}`;
  } catch {
    return url;
  }
};

class DemoStop extends Error {}

async function checkPostgres(databaseUrl: string): Promise<void> {
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString(), connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    process.stderr.write(
      `demo: PostgreSQL is not reachable at ${hostOf(databaseUrl)} (${why}).\n` +
        'Start it, then run `npm run demo` again:\n' +
        '  - Debian/Ubuntu with PostgreSQL installed:  sudo pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\n' +
        '    (or: sudo systemctl start postgresql)\n' +
        '  - macOS with Homebrew:                      brew services start postgresql@16\n' +
        '  - with Docker:  docker run -d --name txng-postgres -p 5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust postgres:16\n' +
        '  - or use a server you have: npm run demo -- --database-url postgres://user:pass@host:5432/txng_demo\n',
    );
    throw new DemoStop();
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function checkRedis(redisUrl: string): Promise<void> {
  const redis = new Redis(redisUrl, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 5000,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    process.stderr.write(
      `demo: Redis is not reachable at ${hostOf(redisUrl)} (${why}).\n` +
        'Start it, then run `npm run demo` again:\n' +
        '  - Debian/Ubuntu with Redis installed:  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no\n' +
        '    (or: sudo systemctl start redis-server)\n' +
        '  - macOS with Homebrew:                 brew services start redis\n' +
        '  - with Docker:  docker run -d --name txng-redis -p 6379:6379 redis:7\n' +
        '  - or use a server you have: npm run demo -- --redis-url redis://host:6379\n',
    );
    throw new DemoStop();
  } finally {
    redis.disconnect();
  }
}

async function reset(options: DemoOptions): Promise<void> {
  const url = new URL(options.databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name.replace(/"/g, '""')}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
  const redis = new Redis(options.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${options.redisPrefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) deleted += await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  say(`reset: dropped database ${name} and ${deleted} Redis keys under ${options.redisPrefix}:`);
}

interface SourceView {
  key: string;
  stage: string;
  webhookSecret?: string;
}

/**
 * Sources of a demo database are sealed with the key of the hub that made them. A database from
 * before development kept its own key in .txng/secret-key (or from another clone) cannot be opened.
 */
const OLD_KEY_HINT =
  ' (if this demo database was made with another HUB_SECRET_KEY or development key, its source secrets ' +
  'cannot be opened: start again with npm run demo -- --reset)';

/** The operator API as the demo uses it (bearer = the admin token). */
function adminApi(baseUrl: string, token: string) {
  return async <T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
  };
}

/**
 * Creates or updates each example source from config/sources/*.yaml through the operator API,
 * activates it, and answers the webhook secrets (new, or rotated when the source already existed:
 * a secret is shown only once). The poll source is pointed at the local Tây Ninh simulator.
 */
async function applySources(
  root: string,
  options: DemoOptions,
  apiKey: string,
): Promise<Map<string, string>> {
  const api = adminApi(`http://127.0.0.1:${options.port}`, options.adminToken);
  const secrets = new Map<string, string>();
  const files = readdirSync(join(root, 'config/sources'))
    .filter((f) => f.endsWith('.yaml'))
    .sort();
  for (const file of files) {
    const definition = readSourceFile(join(root, 'config/sources', file), {
      ...process.env,
      TAY_NINH_API_KEY: apiKey,
    });
    const key = String(definition.key);
    if (definition.kind === 'poll') {
      const poll = definition.poll as Record<string, unknown>;
      poll.url = `http://127.0.0.1:${options.pollPort}/api/records`;
      poll.intervalSeconds = options.pollIntervalSeconds;
    }
    const existing = await api<SourceView>('GET', `/v1/admin/sources/${key}`);
    let view: SourceView;
    if (existing.status === 404) {
      const created = await api<SourceView & { message?: string }>('POST', '/v1/admin/sources', definition);
      if (created.status !== 201)
        throw new Error(`could not create ${key}: ${created.status} ${JSON.stringify(created.body)}`);
      view = created.body;
      if (view.webhookSecret) secrets.set(key, view.webhookSecret);
      say(`source ${key}: created from config/sources/${file}`);
    } else if (existing.status === 200) {
      const patch = Object.fromEntries(
        Object.entries(definition).filter(([f]) => !['key', 'kind', 'provinceCode'].includes(f)),
      );
      const current = existing.body as SourceView & { mapping?: { expression?: string } | null };
      if (
        (definition.mapping as { expression?: string } | undefined)?.expression ===
        current.mapping?.expression
      )
        delete patch.mapping;
      const patched = await api<SourceView>('PATCH', `/v1/admin/sources/${key}`, patch);
      if (patched.status !== 200)
        throw new Error(
          `could not update ${key}: ${patched.status} ${JSON.stringify(patched.body)}${patched.status >= 500 ? OLD_KEY_HINT : ''}`,
        );
      view = patched.body;
      if (definition.kind === 'webhook') {
        const rotated = await api<SourceView>('POST', `/v1/admin/sources/${key}/rotate-secret`);
        if (rotated.status !== 200 || !rotated.body.webhookSecret)
          throw new Error(
            `could not rotate the secret of ${key}: ${rotated.status}${rotated.status >= 500 ? OLD_KEY_HINT : ''}`,
          );
        secrets.set(key, rotated.body.webhookSecret);
      }
      say(
        `source ${key}: updated from config/sources/${file}${definition.kind === 'webhook' ? ' (new secret)' : ''}`,
      );
    } else {
      throw new Error(`could not read source ${key}: ${existing.status} ${JSON.stringify(existing.body)}`);
    }
    const action = view.stage === 'paused' ? 'resume' : view.stage === 'active' ? null : 'activate';
    if (action) {
      const moved = await api<SourceView>('POST', `/v1/admin/sources/${key}/${action}`);
      if (moved.status !== 200 && moved.status !== 201)
        throw new Error(`could not ${action} ${key}: ${moved.status} ${JSON.stringify(moved.body)}`);
      if (action === 'resume' && moved.body.stage !== 'active') {
        const activated = await api<SourceView>('POST', `/v1/admin/sources/${key}/activate`);
        if (activated.status >= 300) throw new Error(`could not activate ${key}: ${activated.status}`);
      }
    }
  }
  return secrets;
}

async function waitReady(url: string, child: Child, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!child.running) throw new Error(`${child.name} exited before it was ready`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** `npm run demo`: PostgreSQL/Redis checks, migration, portal simulator, hub, sources, provinces. */
export async function main(...args: string[]): Promise<void> {
  let options: DemoOptions;
  try {
    options = parseDemoArgs(args);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message ? `demo: ${error.message}\n` : ''}${USAGE}\n`);
      process.exit(error.message ? 2 : 0);
    }
    throw error;
  }
  const root = repoRoot();
  const children: Child[] = [];
  let stopping = false;
  let exitCode = 0;

  const stopAll = async (): Promise<void> => {
    // Provinces first (nothing new arrives), then the hub (finishes its jobs), then the portal.
    for (const child of [...children].reverse()) {
      if (!child.running) continue;
      say(`stopping ${child.name}…`);
      const code = await child.stop();
      if (code !== 0 && code !== null) say(`${child.name} exited with ${code}`);
    }
  };
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    say(`${signal}: stopping the demo`);
    void stopAll().then(() => {
      say('stopped');
      process.exit(exitCode);
    });
  };
  process.on('SIGINT', () => shutdown('Ctrl-C'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));

  try {
    await checkPostgres(options.databaseUrl);
    await checkRedis(options.redisUrl);
    if (options.reset) await reset(options);

    const hubEnv: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      NODE_ENV: 'development',
      PORT: String(options.port),
      DATABASE_URL: options.databaseUrl,
      REDIS_URL: options.redisUrl,
      REDIS_PREFIX: options.redisPrefix,
      LOG_LEVEL: options.logLevel,
      PORTAL_BASE_URL: `http://127.0.0.1:${options.portalPort}`,
      HUB_ADMIN_TOKEN: options.adminToken,
      // Reconcile every minute (default 10) so a newcomer sees the hub and the portal compared.
      RECONCILE_EVERY_MS: process.env.RECONCILE_EVERY_MS ?? '60000',
      // The simulated Tây Ninh API is on loopback, which the hub only polls when allowlisted.
      OUTBOUND_ALLOWLIST: `127.0.0.1:${options.pollPort}`,
      ...(process.env.HUB_SECRET_KEY ? { HUB_SECRET_KEY: process.env.HUB_SECRET_KEY } : {}),
    };

    say(`migrating ${hostOf(options.databaseUrl)}/${new URL(options.databaseUrl).pathname.slice(1)}…`);
    const cli = appCommand(root, 'cli');
    const migrate = new Child('migrate', cli.command, [...cli.args, 'migrate'], hubEnv, root, echo);
    const migrated = await migrate.exited();
    if (migrated !== 0) throw new Error('the migration failed (see above)');

    const sim = appCommand(root, 'portal-sim');
    const portal = new Child(
      'portal-sim',
      sim.command,
      sim.args,
      {
        PATH: process.env.PATH,
        PORTAL_SIM_PORT: String(options.portalPort),
        PORTAL_SIM_PREFIX_FILE: join(root, 'config/examples/demo/prefix-registry.json'),
        PORTAL_SIM_LOG_LEVEL: options.logLevel,
        PORTAL_SIM_RATE_LIMIT: '50',
      },
      root,
      echo,
    );
    children.push(portal);
    await portal.waitFor(/listening on/, 60_000);

    const gateway = appCommand(root, 'gateway');
    const hub = new Child('hub', gateway.command, [...gateway.args, '--with-workers'], hubEnv, root, echo);
    children.push(hub);
    await hub.waitFor(/listening on/, 90_000);
    await waitReady(`http://127.0.0.1:${options.port}/health/ready`, hub, 30_000);

    const apiKey = `tn_${randomBytes(18).toString('hex')}`;
    const secrets = await applySources(root, options, apiKey);
    if (stopping) return;

    const provinceSim = appCommand(root, 'province-sim', 'apps/province-sim/src/province-sim.ts');
    const simEnv: NodeJS.ProcessEnv = { PATH: process.env.PATH, [API_KEY_VARIABLE]: apiKey };
    for (const key of WEBHOOK_SOURCES) simEnv[secretVariable(key)] = secrets.get(key);
    const provinces = new Child(
      'provinces',
      provinceSim.command,
      [
        ...provinceSim.args,
        '--hub',
        `http://127.0.0.1:${options.port}`,
        '--seed',
        String(options.seed),
        '--rate',
        String(options.rate),
        '--duration',
        String(options.durationSeconds),
        '--poll-port',
        String(options.pollPort),
      ],
      simEnv,
      root,
      echo,
    );
    children.push(provinces);
    await provinces.waitFor(/seed \d+/, 60_000);

    const hubUrl = `http://127.0.0.1:${options.port}`;
    echo(
      [
        '',
        '  txng-hub demo federation is running',
        '  ────────────────────────────────────',
        `  operators' interface   ${hubUrl}/admin`,
        `  admin token            ${options.adminToken}`,
        `  operator API           ${hubUrl}/v1/admin/…   (Authorization: Bearer <token>; OpenAPI at ${hubUrl}/docs)`,
        `  portal simulator       http://127.0.0.1:${options.portalPort}  (in memory; prefix registry config/examples/demo/prefix-registry.json)`,
        `  Tây Ninh records API   http://127.0.0.1:${options.pollPort}/api/records (polled every ${options.pollIntervalSeconds} s)`,
        `  database               ${new URL(options.databaseUrl).pathname.slice(1)} (Redis prefix ${options.redisPrefix})`,
        '',
        `  Try:  curl -s -H "Authorization: Bearer ${options.adminToken}" ${hubUrl}/v1/admin/conflicts?status=open`,
        '  What to look for: docs/demo.md.   Stop: Ctrl-C.',
        '',
      ].join('\n'),
    );

    // A child that dies on its own ends the demo (non-zero): the demo without it would mislead.
    await Promise.race(
      children.map((child) =>
        child.exited().then((code) => {
          if (stopping) return;
          exitCode = 1;
          say(`${child.name} stopped unexpectedly (exit ${code}); stopping the rest`);
          shutdown('error');
        }),
      ),
    );
  } catch (error) {
    if (!(error instanceof DemoStop))
      say(`failed: ${error instanceof Error ? error.message : String(error)}`);
    exitCode = 1;
    if (!stopping) {
      stopping = true;
      await stopAll();
      process.exit(1);
    }
  }
}
