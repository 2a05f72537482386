import { type FaultSettings, NO_FAULTS } from '../faults/fault-settings';

/** Everything the simulator reads from its environment, validated once at start. */
export interface SimConfig {
  port: number;
  host: string;
  /** client_id → client_secret */
  clients: Map<string, string>;
  tokenTtlSeconds: number;
  /** Requests per second per client; 0 disables the limit. */
  rateLimitPerSecond: number;
  /** A registry JSON file to seed from; null uses the seed bundled with the simulator. */
  prefixFile: string | null;
  adminKey: string;
  logLevel: string;
  faults: FaultSettings;
  /** Injected in tests; the simulator never reads Date.now() directly. */
  now: () => number;
}

export class SimConfigError extends Error {
  constructor(readonly problems: string[]) {
    super('Invalid portal-sim configuration:\n' + problems.map((p) => `  - ${p}`).join('\n'));
    this.name = 'SimConfigError';
  }
}

type Env = Record<string, string | undefined>;

/**
 * Reads PORTAL_SIM_* variables. Every problem is collected before failing so a bad demo setup is
 * fixed in one round.
 */
export function loadSimConfig(env: Env = process.env, overrides: Partial<SimConfig> = {}): SimConfig {
  const problems: string[] = [];
  const text = (name: string, fallback: string): string => {
    const raw = env[name]?.trim();
    return raw ? raw : fallback;
  };
  const num = (name: string, fallback: number, min: number, max: number, integer = true): number => {
    const raw = env[name]?.trim();
    if (!raw) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
      problems.push(
        `${name}: must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max} (got "${raw}")`,
      );
      return fallback;
    }
    return value;
  };

  const clients = new Map<string, string>();
  for (const pair of text('PORTAL_SIM_CLIENTS', 'txng-hub-dev:txng-hub-dev-secret').split(',')) {
    const at = pair.indexOf(':');
    if (at <= 0 || at === pair.length - 1)
      problems.push(`PORTAL_SIM_CLIENTS: "${pair.trim()}" is not id:secret`);
    else clients.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
  }

  const outageUntil = env.PORTAL_SIM_OUTAGE_UNTIL?.trim();
  let outage: FaultSettings['outage'] = null;
  if (outageUntil === 'forever') outage = { until: null };
  else if (outageUntil) {
    const at = Date.parse(outageUntil);
    if (Number.isNaN(at))
      problems.push(`PORTAL_SIM_OUTAGE_UNTIL: must be an RFC 3339 time or "forever" (got "${outageUntil}")`);
    else outage = { until: at };
  }
  const dropMode = text('PORTAL_SIM_DROP_MODE', 'before');
  if (dropMode !== 'before' && dropMode !== 'after-store')
    problems.push(`PORTAL_SIM_DROP_MODE: must be "before" or "after-store" (got "${dropMode}")`);

  const config: SimConfig = {
    port: num('PORTAL_SIM_PORT', 4100, 0, 65535),
    host: text('PORTAL_SIM_HOST', '127.0.0.1'),
    clients,
    tokenTtlSeconds: num('PORTAL_SIM_TOKEN_TTL_SECONDS', 300, 1, 86_400),
    rateLimitPerSecond: num('PORTAL_SIM_RATE_LIMIT', 20, 0, 100_000),
    prefixFile: env.PORTAL_SIM_PREFIX_FILE?.trim() || null,
    adminKey: text('PORTAL_SIM_ADMIN_KEY', 'sim-admin'),
    logLevel: text('PORTAL_SIM_LOG_LEVEL', 'info'),
    faults: {
      ...NO_FAULTS,
      errorRate: num('PORTAL_SIM_ERROR_RATE', 0, 0, 1, false),
      burst429: num('PORTAL_SIM_BURST_429', 0, 0, 1_000_000),
      latencyMs: num('PORTAL_SIM_LATENCY_MS', 0, 0, 600_000),
      dropRate: num('PORTAL_SIM_DROP_RATE', 0, 0, 1, false),
      dropMode: dropMode === 'after-store' ? 'after-store' : 'before',
      outage,
    },
    now: Date.now,
    ...overrides,
  };
  if (problems.length > 0) throw new SimConfigError(problems);
  return config;
}
