import { Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { HUB_CONFIG, type HubConfig } from '../config/hub-config';

export const REDIS_CLIENT = Symbol('REDIS_CLIENT');

/** Closes the shared client last, after queues and workers have stopped. */
@Injectable()
class RedisCloser implements OnApplicationShutdown {
  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {}
  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/**
 * One shared ioredis client for the hub's own keys (rate limits, health checks). Keys it writes are
 * prefixed with REDIS_PREFIX so test runs and deployments sharing a Redis cannot collide.
 */
@Global()
@Module({
  providers: [
    {
      provide: REDIS_CLIENT,
      inject: [HUB_CONFIG],
      useFactory: (config: HubConfig) =>
        new Redis(config.redisUrl, {
          keyPrefix: `${config.redisPrefix}:`,
          maxRetriesPerRequest: 1,
          enableOfflineQueue: false,
          connectTimeout: 2000,
        }),
    },
    RedisCloser,
  ],
  exports: [REDIS_CLIENT],
})
export class RedisModule {}
