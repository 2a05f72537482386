import { pingServer } from '@txng/persistence/database/server';
import Redis from 'ioredis';

/** host:port of a PostgreSQL or Redis URL, for messages (never its credentials). */
export const hostOf = (url: string): string => {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || (u.protocol.startsWith('redis') ? 6379 : 5432)}`;
  } catch {
    return url;
  }
};

/** Thrown after the demo has said why it cannot go on: it exits 1 without another message. */
export class DemoStop extends Error {}

export async function checkPostgres(databaseUrl: string): Promise<void> {
  try {
    await pingServer(databaseUrl);
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
  }
}

export async function checkRedis(redisUrl: string): Promise<void> {
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
