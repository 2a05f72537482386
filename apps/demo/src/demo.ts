import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { UsageError } from '@txng/common/process/command-line';
import {
  API_KEY_VARIABLE,
  CALLBACK_PATH,
  CALLBACK_SECRET_VARIABLE,
  secretVariable,
  WEBHOOK_SOURCES,
} from '@txng/simulators';
import { appCommand, Child, waitReady } from './children';
import { type DemoOptions, parseDemoArgs, USAGE } from './options';
import { echo, repoRoot, say } from './output';
import { reset } from './reset';
import { checkPostgres, checkRedis, DemoStop, hostOf } from './services';
import { applySources } from './sources';
import { Supervisor } from './supervisor';

/*
 * `npm run demo`, step by step. The steps live beside this file, one responsibility each:
 * options.ts (arguments), services.ts (are PostgreSQL and Redis there), reset.ts (--reset),
 * admin-api.ts and sources.ts (the operator API and the example sources), children.ts and
 * supervisor.ts (starting, watching and stopping the processes), output.ts (what it prints).
 */

/** The environment of the hub (and of its migration). */
function hubEnvironment(options: DemoOptions): NodeJS.ProcessEnv {
  return {
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
    // The simulated Tây Ninh API and Cần Thơ's callback endpoint are on loopback, which the hub
    // polls and calls back only when allowlisted: these two ports, nothing else on the machine.
    OUTBOUND_ALLOWLIST: `127.0.0.1:${options.pollPort},127.0.0.1:${options.callbackPort}`,
    ...(process.env.HUB_SECRET_KEY ? { HUB_SECRET_KEY: process.env.HUB_SECRET_KEY } : {}),
  };
}

/** What the demo prints once everything runs. */
function banner(options: DemoOptions): string {
  const hubUrl = `http://127.0.0.1:${options.port}`;
  return [
    '',
    '  txng-hub demo federation is running',
    '  ────────────────────────────────────',
    `  operators' interface   ${hubUrl}/admin`,
    `  admin token            ${options.adminToken}`,
    `  operator API           ${hubUrl}/v1/admin/…   (Authorization: Bearer <token>; OpenAPI at ${hubUrl}/docs)`,
    `  portal simulator       http://127.0.0.1:${options.portalPort}  (in memory; prefix registry config/examples/demo/prefix-registry.json)`,
    `  Tây Ninh records API   http://127.0.0.1:${options.pollPort}/api/records (polled every ${options.pollIntervalSeconds} s)`,
    `  Cần Thơ's callbacks    http://127.0.0.1:${options.callbackPort}${CALLBACK_PATH} (signed by the hub, verified by the province: lines "Cần Thơ: …")`,
    `  database               ${new URL(options.databaseUrl).pathname.slice(1)} (Redis prefix ${options.redisPrefix})`,
    '',
    `  Try:  curl -s -H "Authorization: Bearer ${options.adminToken}" ${hubUrl}/v1/admin/conflicts?status=open`,
    '  What to look for: docs/demo.md.   Stop: Ctrl-C.',
    '',
  ].join('\n');
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
  const supervisor = new Supervisor();
  supervisor.handleSignals();

  try {
    await checkPostgres(options.databaseUrl);
    await checkRedis(options.redisUrl);
    if (options.reset) await reset(options);

    const hubEnv = hubEnvironment(options);
    say(`migrating ${hostOf(options.databaseUrl)}/${new URL(options.databaseUrl).pathname.slice(1)}…`);
    const cli = appCommand(root, 'cli');
    const migrate = new Child('migrate', cli.command, [...cli.args, 'migrate'], hubEnv, root, echo);
    const migrated = await migrate.exited();
    if (migrated !== 0) throw new Error('the migration failed (see above)');

    const sim = appCommand(root, 'portal-sim');
    const portal = supervisor.add(
      new Child(
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
      ),
    );
    await portal.waitFor(/listening on/, 60_000);

    const gateway = appCommand(root, 'gateway');
    const hub = supervisor.add(
      new Child('hub', gateway.command, [...gateway.args, '--with-workers'], hubEnv, root, echo),
    );
    await hub.waitFor(/listening on/, 90_000);
    await waitReady(`http://127.0.0.1:${options.port}/health/ready`, hub, 30_000);

    const apiKey = `tn_${randomBytes(18).toString('hex')}`;
    const secrets = await applySources(root, options, apiKey);
    if (supervisor.stopping) return;

    const provinceSim = appCommand(root, 'province-sim', 'apps/province-sim/src/province-sim.ts');
    const simEnv: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      [API_KEY_VARIABLE]: apiKey,
      [CALLBACK_SECRET_VARIABLE]: secrets.callbackSecret,
    };
    for (const key of WEBHOOK_SOURCES) simEnv[secretVariable(key)] = secrets.webhookSecrets.get(key);
    const provinces = supervisor.add(
      new Child(
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
          '--callback-port',
          String(options.callbackPort),
        ],
        simEnv,
        root,
        echo,
      ),
    );
    await provinces.waitFor(/seed \d+/, 60_000);

    echo(banner(options));
    await supervisor.watch();
  } catch (error) {
    if (!(error instanceof DemoStop))
      say(`failed: ${error instanceof Error ? error.message : String(error)}`);
    await supervisor.fail();
  }
}
