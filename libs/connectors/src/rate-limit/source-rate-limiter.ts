import { Inject, Injectable } from '@nestjs/common';
import { REDIS_CLIENT } from '@txng/common';
import type Redis from 'ioredis';

export interface RateDecision {
  allowed: boolean;
  /** Which budget refused the delivery, when one did. */
  exceeded: 'requests' | 'bytes' | null;
  /** Seconds until the window resets, for Retry-After. */
  retryAfterSeconds: number;
}

export interface SourceBudget {
  requestsPerMinute: number;
  bytesPerMinute: number;
}

/**
 * Counts one delivery of `ARGV[1]` bytes against both budgets of the window, atomically. A refused
 * delivery still counts as a request (a sender hammering a full window stays refused) but its
 * bytes are given back: nothing of it is stored. The first body of a window passes whatever its
 * size, so a body within the source's size limit is never refused for bytes alone forever.
 */
const TAKE_SCRIPT = `
local requests = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], 120)
local bytes = redis.call('INCRBY', KEYS[2], ARGV[1])
redis.call('EXPIRE', KEYS[2], 120)
if requests > tonumber(ARGV[2]) then
  redis.call('DECRBY', KEYS[2], ARGV[1])
  return 1
end
if bytes > tonumber(ARGV[3]) and bytes - tonumber(ARGV[1]) > 0 then
  redis.call('DECRBY', KEYS[2], ARGV[1])
  return 2
end
return 0
`;

type RateLimitRedis = Redis & {
  txngRateTake(
    requestsKey: string,
    bytesKey: string,
    bytes: string,
    requests: string,
    maxBytes: string,
  ): Promise<number>;
};

/**
 * A fixed one-minute window per source in Redis, shared by every gateway process, in requests and
 * in bytes. Fixed windows allow a burst of up to twice the limit across a boundary; for protecting
 * the hub from one chatty province that is good enough and costs one round trip.
 */
@Injectable()
export class SourceRateLimiter {
  private readonly redis: RateLimitRedis;

  constructor(@Inject(REDIS_CLIENT) redis: Redis) {
    // A command of the client's own: ioredis sends the script's SHA (EVALSHA) and the script
    // itself only when Redis does not know it yet, instead of the whole script at every webhook.
    if (!('txngRateTake' in redis))
      redis.defineCommand('txngRateTake', { numberOfKeys: 2, lua: TAKE_SCRIPT });
    this.redis = redis as RateLimitRedis;
  }

  async take(
    sourceKey: string,
    budget: SourceBudget,
    bytes: number,
    now = Date.now(),
  ): Promise<RateDecision> {
    const window = Math.floor(now / 60_000);
    const verdict = await this.redis.txngRateTake(
      `ratelimit:${sourceKey}:${window}`,
      `ratelimit-bytes:${sourceKey}:${window}`,
      String(bytes),
      String(budget.requestsPerMinute),
      String(budget.bytesPerMinute),
    );
    const retryAfterSeconds = Math.max(1, Math.ceil(((window + 1) * 60_000 - now) / 1000));
    const exceeded = verdict === 1 ? 'requests' : verdict === 2 ? 'bytes' : null;
    return { allowed: exceeded === null, exceeded, retryAfterSeconds };
  }

  /**
   * Gives back what `take` counted at `takenAt` (a delivery that turned out to be a replay counts
   * against no budget). Never throws: a budget not given back only ends its window a little fuller.
   */
  async giveBack(sourceKey: string, bytes: number, takenAt: number): Promise<void> {
    const window = Math.floor(takenAt / 60_000);
    try {
      await this.redis
        .multi()
        .decr(`ratelimit:${sourceKey}:${window}`)
        .decrby(`ratelimit-bytes:${sourceKey}:${window}`, bytes)
        .exec();
    } catch {
      // Redis away: the window ends within a minute anyway.
    }
  }
}
