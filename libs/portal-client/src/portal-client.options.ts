import { type Clock, systemClock } from './clock';
import { type CircuitBreakerRegistry, defaultBreakerRegistry } from './circuit-breaker';

export interface PortalEndpointConfig {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
}

export interface RetryPolicy {
  /** Attempts per call for 5xx, timeouts and dropped connections (the first try included). */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** How many 429s one call waits out in-process before handing back PortalRateLimitedError. */
  max429Waits: number;
  /** A Retry-After longer than this is not slept on; the caller's queue gets the error instead. */
  maxRetryAfterMs: number;
}

export interface BreakerSettings {
  /** Consecutive failures (5xx, timeouts, dropped connections) that open the breaker. */
  failureThreshold: number;
  /** Time open before one half-open probe is let through. */
  cooldownMs: number;
}

/** Observability hook: called synchronously; must not throw. */
export type PortalClientEvent =
  | {
      type: 'request';
      route: PortalRoute;
      status: number | 'network-error' | 'timeout';
      durationMs: number;
      attempt: number;
    }
  | { type: 'retry'; route: PortalRoute; reason: string; delayMs: number }
  | { type: 'token'; reason: 'initial' | 'expiring' | 'invalid_token' }
  | { type: 'breaker'; baseUrl: string; state: 'open' | 'half-open' | 'closed' };

export type PortalRoute = 'token' | 'batches' | 'records' | 'summary' | 'prefixes';

export interface PortalClientOptions {
  /** Per HTTP request; no answer by then counts as an unknown outcome. Default 30 s. */
  timeoutMs?: number;
  /** Batch requests in flight per province (the contract's default is 4). */
  maxInFlightPerProvince?: number;
  /** Requests per second for this client (the portal's default limit is 20). */
  ratePerSecond?: number;
  retry?: Partial<RetryPolicy>;
  breaker?: Partial<BreakerSettings>;
  /** Breakers are shared per base URL through this registry (a process-wide one by default). */
  breakers?: CircuitBreakerRegistry;
  /** Refresh a token this long before the portal says it expires (at least 10 % of its life is kept as margin). */
  tokenRefreshMarginMs?: number;
  /** Batch limits; the contract's 500 records / 5 MiB unless a test needs smaller. */
  maxBatchRecords?: number;
  maxBatchBytes?: number;
  clock?: Clock;
  /** Source of jitter in [0, 1). */
  random?: () => number;
  onEvent?: (event: PortalClientEvent) => void;
}

export interface ResolvedOptions {
  timeoutMs: number;
  maxInFlightPerProvince: number;
  ratePerSecond: number;
  retry: RetryPolicy;
  breaker: BreakerSettings;
  breakers: CircuitBreakerRegistry;
  tokenRefreshMarginMs: number;
  maxBatchRecords: number;
  maxBatchBytes: number;
  clock: Clock;
  random: () => number;
  onEvent: (event: PortalClientEvent) => void;
}

export const CONTRACT_MAX_RECORDS = 500;
export const CONTRACT_MAX_BYTES = 5 * 1024 * 1024;

export function resolveOptions(options: PortalClientOptions): ResolvedOptions {
  const positive = (name: string, value: number): number => {
    if (!(value > 0) || !Number.isFinite(value))
      throw new RangeError(`PortalClient option ${name} must be a positive number (got ${value})`);
    return value;
  };
  const o: ResolvedOptions = {
    timeoutMs: options.timeoutMs ?? 30_000,
    maxInFlightPerProvince: options.maxInFlightPerProvince ?? 4,
    ratePerSecond: options.ratePerSecond ?? 20,
    retry: {
      maxAttempts: 5,
      baseDelayMs: 500,
      maxDelayMs: 15_000,
      max429Waits: 10,
      maxRetryAfterMs: 60_000,
      ...options.retry,
    },
    breaker: { failureThreshold: 5, cooldownMs: 30_000, ...options.breaker },
    breakers: options.breakers ?? defaultBreakerRegistry,
    tokenRefreshMarginMs: options.tokenRefreshMarginMs ?? 30_000,
    maxBatchRecords: Math.min(options.maxBatchRecords ?? CONTRACT_MAX_RECORDS, CONTRACT_MAX_RECORDS),
    maxBatchBytes: Math.min(options.maxBatchBytes ?? CONTRACT_MAX_BYTES, CONTRACT_MAX_BYTES),
    clock: options.clock ?? systemClock,
    random: options.random ?? Math.random,
    onEvent: options.onEvent ?? (() => undefined),
  };
  positive('timeoutMs', o.timeoutMs);
  positive('maxInFlightPerProvince', o.maxInFlightPerProvince);
  positive('ratePerSecond', o.ratePerSecond);
  positive('retry.maxAttempts', o.retry.maxAttempts);
  positive('breaker.failureThreshold', o.breaker.failureThreshold);
  return o;
}
