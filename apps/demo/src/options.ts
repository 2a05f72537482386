import { randomBytes } from 'node:crypto';
import { numberOption as num, UsageError } from '@txng/common/process/command-line';

export interface DemoOptions {
  seed: number;
  rate: number;
  durationSeconds: number;
  reset: boolean;
  port: number;
  portalPort: number;
  pollPort: number;
  callbackPort: number;
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  pollIntervalSeconds: number;
  adminToken: string;
  logLevel: string;
}

export const USAGE = `npm run demo -- [options]
  --seed N            the same seed makes the same federation (default 2025)
  --rate R            deliveries per second per province (default 0.5)
  --duration S        the provinces send for S seconds, then go quiet; 0 = until Ctrl-C (default 0)
  --reset             drop the demo database and its Redis keys first (a fresh start)
  --port P            the hub's port (default 3000); --portal-port (4100), --poll-port (4201),
                      --callback-port (4202: where Cần Thơ receives the hub's signed callbacks)
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
    callbackPort: 4202,
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
      case '--callback-port':
        options.callbackPort = Math.trunc(num(flag, value(), 1, 65535));
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
