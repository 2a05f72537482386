import { type DynamicModule, type ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerModule, type ThrottlerStorage } from '@nestjs/throttler';
import { type ThrottlerLimitDetail } from '@nestjs/throttler/dist/throttler.guard.interface';
import { AppError, ErrorCode, HUB_CONFIG, type HubConfig, REDIS_CLIENT } from '@txng/common';
import { createHash } from 'node:crypto';
import type Redis from 'ioredis';
import { type AuthenticatedRequest } from './token-auth.guard';

/**
 * A fixed window per key in Redis (INCR + PEXPIRE in one round trip), so every gateway process
 * counts against the same limit. A window allows a burst of up to twice the limit across its
 * boundary; against a runaway script that is good enough. Without Redis the limit is not applied
 * (fails open): it guards against abuse by a holder of a valid token, and operators need the API
 * most while Redis is being recovered (docs/operations.md).
 */
export class RedisThrottlerStorage implements ThrottlerStorage {
  constructor(private readonly redis: Redis) {}

  async increment(key: string, ttlMs: number, limit: number) {
    const window = Math.floor(Date.now() / ttlMs);
    const redisKey = `admin-rate:${key}:${window}`;
    let hits: number;
    try {
      [[, hits]] = (await this.redis
        .multi()
        .incr(redisKey)
        .pexpire(redisKey, ttlMs * 2)
        .exec()) as [[null, number], unknown];
    } catch {
      return { totalHits: 0, timeToExpire: 0, isBlocked: false, timeToBlockExpire: 0 };
    }
    const secondsLeft = Math.max(1, Math.ceil(((window + 1) * ttlMs - Date.now()) / 1000));
    const isBlocked = hits > limit;
    return {
      totalHits: hits,
      timeToExpire: secondsLeft,
      isBlocked,
      timeToBlockExpire: isBlocked ? secondsLeft : 0,
    };
  }
}

/**
 * Requests per operator token to /v1/admin (ADMIN_RATE_LIMIT per ADMIN_RATE_WINDOW_SECONDS), counted
 * after TokenAuthGuard so the key is the token's identity (`token:<id>`, `bootstrap-admin`), never
 * the caller's address: a proxy in front must not make all operators one, and one token must not
 * escape by changing address. Unauthenticated calls are refused before they count.
 */
@Injectable()
export class AdminRateLimitGuard extends ThrottlerGuard {
  static module(): DynamicModule {
    return ThrottlerModule.forRootAsync({
      inject: [HUB_CONFIG, REDIS_CLIENT],
      useFactory: (config: HubConfig, redis: Redis) => ({
        throttlers: [
          { name: 'default', limit: config.adminRate.limit, ttl: config.adminRate.windowSeconds * 1000 },
        ],
        storage: new RedisThrottlerStorage(redis),
      }),
    });
  }

  protected override shouldSkip(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const limit = this.throttlers[0]?.limit;
    return Promise.resolve(!req.principal || !req.path.startsWith('/v1/admin/') || limit === 0);
  }

  protected override getTracker(req: Record<string, unknown>): Promise<string> {
    return Promise.resolve((req as unknown as AuthenticatedRequest).principal!.actor);
  }

  /** One budget per token across every route (the library's default is one per route). */
  protected override generateKey(_context: ExecutionContext, tracker: string): string {
    return createHash('sha256').update(tracker).digest('base64url');
  }

  protected override throwThrottlingException(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    return Promise.reject(
      new AppError(
        ErrorCode.RateLimited,
        `This token made more than ${detail.limit} requests in ${detail.ttl / 1000} s; ` +
          `wait ${detail.timeToBlockExpire} s (Retry-After) and slow down (ADMIN_RATE_LIMIT).`,
        { status: 429, headers: { 'Retry-After': String(detail.timeToBlockExpire) } },
      ),
    );
  }
}
