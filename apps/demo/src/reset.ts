import { databaseNameOf, dropDatabase } from '@txng/persistence/database/server';
import Redis from 'ioredis';
import { type DemoOptions } from './options';
import { say } from './output';

/** --reset: drops the demo database and deletes the Redis keys under the demo's prefix. */
export async function reset(options: DemoOptions): Promise<void> {
  const name = databaseNameOf(options.databaseUrl);
  await dropDatabase(options.databaseUrl);
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
