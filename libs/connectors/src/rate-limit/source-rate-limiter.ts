import { Inject, Injectable } from '@nestjs/common';
import { REDIS_CLIENT } from '@txng/common';
import type Redis from 'ioredis';

export interface RateDecision {
  allowed: boolean;
  /** Seconds until the window resets, for Retry-After. */
  retryAfterSeconds: number;
}

/**
 * A fixed one-minute window per source in Redis, shared by every gateway process. Fixed windows
 * allow a burst of up to twice the limit across a boundary; for protecting the hub from one chatty
 * province that is good enough and costs one round trip.
 */
@Injectable()
export class SourceRateLimiter {
  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {}

  async take(sourceKey: string, perMinute: number, now = Date.now()): Promise<RateDecision> {
    const window = Math.floor(now / 60_000);
    const key = `ratelimit:${sourceKey}:${window}`;
    const [[, count]] = (await this.redis.multi().incr(key).expire(key, 120).exec()) as [
      [null, number],
      unknown,
    ];
    const retryAfterSeconds = Math.max(1, Math.ceil(((window + 1) * 60_000 - now) / 1000));
    return { allowed: count <= perMinute, retryAfterSeconds };
  }
}
