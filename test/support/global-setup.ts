import Redis from 'ioredis';
import { ADMIN_DATABASE_URL, TEST_REDIS_URL, withAdmin } from './services';

/**
 * Fails the run at once, with what to do, when PostgreSQL or Redis is not answering; and gives the
 * run an id that every database and Redis key it creates carries.
 */
export default async function globalSetup(): Promise<void> {
  process.env.TXNG_TEST_RUN ??= `${Date.now().toString(36)}${process.pid.toString(36)}`;
  try {
    await withAdmin((c) => c.query('SELECT 1'));
  } catch (error) {
    throw new Error(
      `Integration tests need PostgreSQL at ${ADMIN_DATABASE_URL} (set TEST_DATABASE_URL to use another): ${(error as Error).message}`,
    );
  }
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new Error(
      `Integration tests need Redis at ${TEST_REDIS_URL} (set TEST_REDIS_URL to use another): ${(error as Error).message}`,
    );
  } finally {
    redis.disconnect();
  }
}
