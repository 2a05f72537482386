import { randomBytes } from 'node:crypto';
import { type HubConfig, loadConfig } from '@txng/common';
import {
  ADMIN_DATABASE_URL,
  deleteRedisKeys,
  dropDatabase,
  runId,
  TEST_REDIS_URL,
  withAdmin,
} from './services';

export {
  ADMIN_DATABASE_URL,
  deleteRedisKeys,
  dropDatabase,
  runId,
  TEST_REDIS_URL,
  withAdmin,
} from './services';

export interface TestEnv {
  config: HubConfig;
  databaseUrl: string;
  redisPrefix: string;
  /** Drops the database and deletes the Redis keys this env made. */
  dispose(): Promise<void>;
}

/**
 * A fresh, empty PostgreSQL database and a Redis key prefix of its own, so test files running in
 * parallel (and runs on the same machine) never see each other's data.
 */
export async function createTestEnv(overrides: Record<string, string> = {}): Promise<TestEnv> {
  const suffix = randomBytes(4).toString('hex');
  const dbName = `txng_t_${runId()}_${suffix}`;
  await withAdmin((c) => c.query(`CREATE DATABASE "${dbName}"`));
  const url = new URL(ADMIN_DATABASE_URL);
  url.pathname = `/${dbName}`;
  const databaseUrl = url.toString();
  const redisPrefix = `txng-test-${runId()}-${suffix}`;
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: redisPrefix,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    HUB_ADMIN_TOKEN: 'test-admin-token-0123456789',
    HUB_SECRET_KEY: 'test-secret-key-0123456789abcdefghijklmnop',
    // Most specs run without a portal; the prefix-registry specs turn the check on.
    PREFIX_REGISTRY_CHECK: 'off',
    // The fake province APIs and simulators listen on 127.0.0.1; tests of the outbound guard use
    // 127.0.0.2 and [::1], which stay outside the list.
    OUTBOUND_ALLOWLIST: '127.0.0.1',
    ...overrides,
  });
  return {
    config,
    databaseUrl,
    redisPrefix,
    dispose: async () => {
      await dropDatabase(dbName);
      await deleteRedisKeys(`${redisPrefix}:*`);
    },
  };
}
