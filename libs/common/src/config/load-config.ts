import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { parseOutboundAllowlist } from '../outbound/outbound-allowlist';
import { type ConfigProblem, readWholeNumber } from './env-numbers';
import { readIntakeOptions } from './intake-config';
import { readNotifyOptions } from './notify-config';
import { readSyncOptions } from './sync-config';
import { type HubConfig, type NodeEnv, type PortalEndpoint } from './hub-config';

/** Defaults from hub-interface.md; the portal defaults point at the bundled simulator (apps/portal-sim). */
export const CONFIG_DEFAULTS = {
  PORT: '3000',
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/txng_hub',
  REDIS_URL: 'redis://127.0.0.1:6379',
  REDIS_PREFIX: 'txng',
  LOG_LEVEL: 'info',
  PORTAL_BASE_URL: 'http://127.0.0.1:4100',
  PORTAL_CLIENT_ID: 'txng-hub-dev',
  PORTAL_CLIENT_SECRET: 'txng-hub-dev-secret',
  NODE_ENV: 'development',
  PREFIX_REGISTRY_CHECK: 'on',
  DATABASE_PREPARED_STATEMENTS: 'on',
} as const;

/**
 * Requests one operator token may make to /v1/admin per window: far above what the admin UI (a few
 * calls every few seconds) or a test suite polling for a result makes, low enough that a runaway
 * script or a stolen token cannot occupy the gateway.
 */
export const ADMIN_RATE_DEFAULTS = { limit: 1800, windowSeconds: 60 } as const;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export type { ConfigProblem } from './env-numbers';

/** Thrown when the environment is unusable; its message names every offending variable. */
export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super('Invalid configuration:\n' + problems.map((p) => `  - ${p.variable}: ${p.message}`).join('\n'));
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/**
 * Reads and validates the environment. Collects every problem before failing, so an operator fixes
 * a bad deployment in one round instead of one variable per restart.
 */
export function loadConfig(env: Env = process.env): HubConfig {
  const problems: ConfigProblem[] = [];
  const read = (name: keyof typeof CONFIG_DEFAULTS): string => {
    const raw = env[name];
    return raw === undefined || raw === '' ? CONFIG_DEFAULTS[name] : raw.trim();
  };
  const optional = (name: string): string | null => {
    const raw = env[name]?.trim();
    return raw ? raw : null;
  };

  const nodeEnvRaw = read('NODE_ENV');
  if (!['development', 'production', 'test'].includes(nodeEnvRaw)) {
    problems.push({
      variable: 'NODE_ENV',
      message: `must be one of development, production, test (got "${nodeEnvRaw}")`,
    });
  }
  const nodeEnv = nodeEnvRaw as NodeEnv;
  const production = nodeEnv === 'production';

  const portRaw = read('PORT');
  const port = Number(portRaw);
  if (!/^\d+$/.test(portRaw) || port < 1 || port > 65535) {
    problems.push({ variable: 'PORT', message: `must be a whole number from 1 to 65535 (got "${portRaw}")` });
  }

  const databaseUrl = read('DATABASE_URL');
  checkUrl(problems, 'DATABASE_URL', databaseUrl, ['postgres:', 'postgresql:'], true);
  const redisUrl = read('REDIS_URL');
  checkUrl(problems, 'REDIS_URL', redisUrl, ['redis:', 'rediss:'], false);

  const redisPrefix = read('REDIS_PREFIX');
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(redisPrefix)) {
    problems.push({
      variable: 'REDIS_PREFIX',
      message: `must be 1-64 characters of letters, digits, '_', '.', '-' (got "${redisPrefix}")`,
    });
  }

  const logLevel = read('LOG_LEVEL');
  if (!LOG_LEVELS.includes(logLevel)) {
    problems.push({
      variable: 'LOG_LEVEL',
      message: `must be one of ${LOG_LEVELS.join(', ')} (got "${logLevel}")`,
    });
  }

  const portal: PortalEndpoint = {
    baseUrl: read('PORTAL_BASE_URL').replace(/\/+$/, ''),
    clientId: read('PORTAL_CLIENT_ID'),
    clientSecret: read('PORTAL_CLIENT_SECRET'),
  };
  checkUrl(problems, 'PORTAL_BASE_URL', portal.baseUrl, ['http:', 'https:'], false);

  const sandboxBase = optional('PORTAL_SANDBOX_BASE_URL');
  let portalSandbox: PortalEndpoint | null = null;
  if (sandboxBase) {
    checkUrl(problems, 'PORTAL_SANDBOX_BASE_URL', sandboxBase, ['http:', 'https:'], false);
    const clientId = optional('PORTAL_SANDBOX_CLIENT_ID');
    const clientSecret = optional('PORTAL_SANDBOX_CLIENT_SECRET');
    if (!clientId)
      problems.push({
        variable: 'PORTAL_SANDBOX_CLIENT_ID',
        message: 'is required when PORTAL_SANDBOX_BASE_URL is set',
      });
    if (!clientSecret)
      problems.push({
        variable: 'PORTAL_SANDBOX_CLIENT_SECRET',
        message: 'is required when PORTAL_SANDBOX_BASE_URL is set',
      });
    portalSandbox = {
      baseUrl: sandboxBase.replace(/\/+$/, ''),
      clientId: clientId ?? '',
      clientSecret: clientSecret ?? '',
    };
  }

  const adminToken = optional('HUB_ADMIN_TOKEN');
  if (adminToken === null && production) {
    problems.push({ variable: 'HUB_ADMIN_TOKEN', message: 'is required when NODE_ENV=production' });
  } else if (adminToken !== null && adminToken.length < 16) {
    problems.push({ variable: 'HUB_ADMIN_TOKEN', message: 'must be at least 16 characters' });
  }

  const host = optional('HOST');
  if (host !== null && host !== 'localhost' && isIP(host.replace(/^\[|\]$/g, '')) === 0) {
    problems.push({ variable: 'HOST', message: `must be an IP address or localhost (got "${host}")` });
  }

  const adminRate = {
    limit: readWholeNumber(env, problems, 'ADMIN_RATE_LIMIT', ADMIN_RATE_DEFAULTS.limit, 0, 1_000_000),
    windowSeconds: readWholeNumber(
      env,
      problems,
      'ADMIN_RATE_WINDOW_SECONDS',
      ADMIN_RATE_DEFAULTS.windowSeconds,
      1,
      86_400,
    ),
  };

  const secretKeyRaw = optional('HUB_SECRET_KEY');
  if (secretKeyRaw === null && production) {
    problems.push({
      variable: 'HUB_SECRET_KEY',
      message: 'is required when NODE_ENV=production (at least 32 characters)',
    });
  } else if (secretKeyRaw !== null && secretKeyRaw.length < 32) {
    problems.push({
      variable: 'HUB_SECRET_KEY',
      message: `must be at least 32 characters (got ${secretKeyRaw.length})`,
    });
  }

  const prefixCheckRaw = read('PREFIX_REGISTRY_CHECK').toLowerCase();
  if (!['on', 'off'].includes(prefixCheckRaw)) {
    problems.push({
      variable: 'PREFIX_REGISTRY_CHECK',
      message: `must be on or off (got "${prefixCheckRaw}")`,
    });
  }

  const preparedRaw = read('DATABASE_PREPARED_STATEMENTS').toLowerCase();
  if (!['on', 'off'].includes(preparedRaw)) {
    problems.push({
      variable: 'DATABASE_PREPARED_STATEMENTS',
      message: `must be on or off (got "${preparedRaw}")`,
    });
  }

  const allowlist = parseOutboundAllowlist(env.OUTBOUND_ALLOWLIST ?? '');
  for (const problem of allowlist.problems)
    problems.push({ variable: 'OUTBOUND_ALLOWLIST', message: problem });

  const sync = readSyncOptions(env, problems);
  const intake = readIntakeOptions(env, problems);
  const notify = readNotifyOptions(env, problems);

  if (problems.length > 0) throw new ConfigError(problems);

  return {
    nodeEnv,
    port,
    databaseUrl,
    redisUrl,
    redisPrefix,
    logLevel,
    portal,
    portalSandbox,
    adminToken,
    // Unset outside production: random, for this process only, until runMain replaces it with the
    // development key file (withDevelopmentSecretKey). Never a constant anyone could read.
    secretKey: secretKeyRaw ?? randomBytes(32).toString('base64url'),
    secretKeyGenerated: secretKeyRaw === null,
    host,
    adminRate,
    prefixRegistryCheck: prefixCheckRaw === 'on',
    databasePreparedStatements: preparedRaw === 'on',
    outboundAllowlist: allowlist.rules,
    sync,
    intake,
    notify,
  };
}

function checkUrl(
  problems: ConfigProblem[],
  variable: string,
  value: string,
  protocols: string[],
  needsDatabase: boolean,
): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    problems.push({ variable, message: `is not a valid URL (got "${redactUrl(value)}")` });
    return;
  }
  if (!protocols.includes(url.protocol)) {
    problems.push({
      variable,
      message: `must start with ${protocols.map((p) => p + '//').join(' or ')} (got "${redactUrl(value)}")`,
    });
  } else if (!url.hostname) {
    problems.push({ variable, message: `has no host (got "${redactUrl(value)}")` });
  } else if (needsDatabase && url.pathname.replace(/^\//, '') === '') {
    problems.push({ variable, message: `names no database (got "${redactUrl(value)}")` });
  }
}

/** A URL fit for a log line or an error message: any password replaced. */
export function redactUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return value.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@');
  }
}
