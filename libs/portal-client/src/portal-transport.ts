import axios, { type AxiosInstance, isAxiosError } from 'axios';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { CircuitBreaker } from './circuit-breaker';
import { type PortalEndpointConfig, type PortalRoute, type ResolvedOptions } from './portal-client.options';
import {
  PortalAuthError,
  PortalProtocolError,
  PortalRateLimitedError,
  PortalTemporaryError,
  PortalUnavailableError,
} from './portal-client.errors';
import { RequestRateLimiter } from './request-rate-limiter';
import { TokenCache } from './token-cache';

export interface PortalRequest {
  route: PortalRoute;
  method: 'GET' | 'POST';
  path: string;
  body?: string;
  headers?: Record<string, string>;
}

export interface PortalResponse {
  status: number;
  headers: Record<string, string | undefined>;
  data: unknown;
}

type Attempt =
  | { kind: 'answer'; res: PortalResponse }
  | { kind: 'invalid_token'; token: string }
  | { kind: 'rate_limited'; retryAfterMs: number }
  | {
      kind: 'transient';
      status: number | null;
      reason: string;
      retryAfterMs: number | null;
      cause?: unknown;
    };

/** Thrown inside an attempt when the token endpoint itself fails temporarily. */
class TransientTokenFailure extends Error {
  constructor(readonly attempt: Extract<Attempt, { kind: 'transient' }>) {
    super(attempt.reason);
  }
}

/**
 * Sends one logical call with everything the contract asks of the hub: a cached bearer token
 * (renewed once on 401 invalid_token), the client-wide rate limit, Retry-After on 429, bounded
 * exponential backoff with jitter on 5xx / timeouts / dropped connections, and the per-base-URL
 * circuit breaker. Answers that are not failures (2xx, 4xx) are handed back for the caller to read.
 */
export class PortalTransport {
  private readonly http: AxiosInstance;
  private readonly httpAgent = new HttpAgent({ keepAlive: true });
  private readonly httpsAgent = new HttpsAgent({ keepAlive: true });
  private readonly tokens: TokenCache;
  private readonly limiter: RequestRateLimiter;
  readonly breaker: CircuitBreaker;

  constructor(
    private readonly endpoint: PortalEndpointConfig,
    private readonly o: ResolvedOptions,
  ) {
    this.http = axios.create({
      baseURL: endpoint.baseUrl.replace(/\/+$/, ''),
      timeout: o.timeoutMs,
      validateStatus: () => true,
      httpAgent: this.httpAgent,
      httpsAgent: this.httpsAgent,
      maxRedirects: 0,
      transitional: { silentJSONParsing: true, forcedJSONParsing: true, clarifyTimeoutError: true },
    });
    this.tokens = new TokenCache(
      () => this.fetchToken(),
      o.clock,
      o.tokenRefreshMarginMs,
      (reason) => o.onEvent({ type: 'token', reason }),
    );
    this.limiter = new RequestRateLimiter(o.ratePerSecond, o.clock);
    this.breaker = o.breakers.get(
      endpoint.baseUrl,
      () =>
        new CircuitBreaker(o.breaker, o.clock, (state) =>
          o.onEvent({ type: 'breaker', baseUrl: endpoint.baseUrl, state }),
        ),
    );
  }

  async send(req: PortalRequest): Promise<PortalResponse> {
    const { retry, clock } = this.o;
    let failures = 0;
    let waits429 = 0;
    let renewedToken = false;
    for (;;) {
      await this.limiter.acquire();
      const blockedFor = this.breaker.tryAcquire();
      if (blockedFor !== null) {
        throw new PortalUnavailableError(
          `the portal at ${this.endpoint.baseUrl} has been failing; calls are paused for ${blockedFor} ms (circuit breaker open)`,
          blockedFor,
        );
      }
      let outcome: Attempt;
      try {
        outcome = await this.attempt(req, failures + 1);
      } catch (error) {
        if (!(error instanceof TransientTokenFailure)) {
          this.breaker.release();
          throw error;
        }
        outcome = error.attempt;
      }
      if (outcome.kind === 'answer') {
        this.breaker.success();
        return outcome.res;
      }
      if (outcome.kind === 'invalid_token') {
        this.breaker.success();
        this.tokens.invalidate(outcome.token);
        if (renewedToken)
          throw new PortalTemporaryError(
            'the portal refused a freshly issued token',
            failures + 1,
            401,
            retry.maxDelayMs,
          );
        renewedToken = true;
        continue;
      }
      if (outcome.kind === 'rate_limited') {
        this.breaker.success();
        waits429 += 1;
        if (waits429 > retry.max429Waits || outcome.retryAfterMs > retry.maxRetryAfterMs) {
          throw new PortalRateLimitedError(
            `the portal is rate limiting this client; retry after ${outcome.retryAfterMs} ms`,
            outcome.retryAfterMs,
          );
        }
        this.o.onEvent({ type: 'retry', route: req.route, reason: '429', delayMs: outcome.retryAfterMs });
        // Retry-After wins over the local pace, and holds back every call of this client.
        this.limiter.pauseUntil(clock.now() + outcome.retryAfterMs);
        continue;
      }
      this.breaker.failure();
      failures += 1;
      if (failures >= retry.maxAttempts) {
        throw new PortalTemporaryError(
          `${req.method} ${req.path} failed ${failures} times (last: ${outcome.reason}); the outcome is unknown, resending is safe`,
          failures,
          outcome.status,
          Math.max(retry.maxDelayMs, outcome.retryAfterMs ?? 0),
          outcome.cause,
        );
      }
      const cap = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (failures - 1));
      const delayMs = Math.max(
        Math.round(cap * (0.5 + this.o.random() * 0.5)),
        Math.min(outcome.retryAfterMs ?? 0, retry.maxRetryAfterMs),
      );
      this.o.onEvent({ type: 'retry', route: req.route, reason: outcome.reason, delayMs });
      await clock.sleep(delayMs);
    }
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private async attempt(req: PortalRequest, attempt: number): Promise<Attempt> {
    const token = await this.tokens.get();
    const started = this.o.clock.now();
    const outcome = await this.exchange(req.route, attempt, {
      method: req.method,
      url: req.path,
      data: req.body,
      headers: { Accept: 'application/json', ...req.headers, Authorization: `Bearer ${token}` },
    });
    if (outcome.kind !== 'answer') return outcome;
    const { res } = outcome;
    if (res.status === 401 && errorOf(res.data) === 'invalid_token') return { kind: 'invalid_token', token };
    if (res.status === 429)
      return {
        kind: 'rate_limited',
        retryAfterMs: retryAfterMs(res.headers['retry-after'], this.o.clock.now()) ?? 1000,
      };
    if (res.status >= 500) {
      return {
        kind: 'transient',
        status: res.status,
        reason: `HTTP ${res.status}`,
        retryAfterMs: retryAfterMs(res.headers['retry-after'], started),
      };
    }
    return outcome;
  }

  private async exchange(
    route: PortalRoute,
    attempt: number,
    config: { method: string; url: string; data?: string; headers: Record<string, string> },
  ): Promise<Extract<Attempt, { kind: 'answer' | 'transient' }>> {
    const started = this.o.clock.now();
    try {
      const res = await this.http.request<unknown>(config);
      this.o.onEvent({
        type: 'request',
        route,
        status: res.status,
        durationMs: this.o.clock.now() - started,
        attempt,
      });
      const headers: Record<string, string | undefined> = {};
      for (const [name, value] of Object.entries(res.headers as Record<string, unknown>))
        headers[name.toLowerCase()] = headerText(value);
      return { kind: 'answer', res: { status: res.status, headers, data: res.data } };
    } catch (error) {
      if (!isAxiosError(error)) throw error;
      const timeout = error.code === 'ETIMEDOUT' || error.code === 'ECONNABORTED';
      this.o.onEvent({
        type: 'request',
        route,
        status: timeout ? 'timeout' : 'network-error',
        durationMs: this.o.clock.now() - started,
        attempt,
      });
      const reason = timeout
        ? `no answer within ${this.o.timeoutMs} ms`
        : `connection failed (${error.code ?? error.message})`;
      return { kind: 'transient', status: null, reason, retryAfterMs: null, cause: error };
    }
  }

  private async fetchToken(): Promise<{ accessToken: string; expiresIn: unknown }> {
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: this.endpoint.clientId,
      client_secret: this.endpoint.clientSecret,
    });
    const outcome = await this.exchange('token', 1, {
      method: 'POST',
      url: '/oauth/token',
      data: form.toString(),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    });
    if (outcome.kind === 'transient') throw new TransientTokenFailure(outcome);
    const { res } = outcome;
    if (res.status >= 500 || res.status === 429) {
      throw new TransientTokenFailure({
        kind: 'transient',
        status: res.status,
        reason: `token endpoint answered HTTP ${res.status}`,
        retryAfterMs: retryAfterMs(res.headers['retry-after'], this.o.clock.now()),
      });
    }
    if (res.status === 400 || res.status === 401) {
      throw new PortalAuthError(
        `the portal refused the hub's client credentials (${errorOf(res.data) ?? `HTTP ${res.status}`}); check PORTAL_CLIENT_ID and PORTAL_CLIENT_SECRET`,
      );
    }
    const body = res.data as { access_token?: unknown; expires_in?: unknown } | null;
    if (res.status !== 200 || typeof body?.access_token !== 'string' || body.access_token === '') {
      throw new PortalProtocolError(
        `the token endpoint answered HTTP ${res.status} without an access_token`,
        res.status,
      );
    }
    return { accessToken: body.access_token, expiresIn: body.expires_in };
  }
}

export function errorOf(data: unknown): string | undefined {
  const error = typeof data === 'object' && data !== null ? (data as { error?: unknown }).error : undefined;
  return typeof error === 'string' ? error : undefined;
}

/** Retry-After as delta-seconds or an HTTP date (RFC 9110 §10.2.3), in ms; null when absent or unreadable. */
export function retryAfterMs(value: string | undefined, now: number): number | null {
  if (value === undefined || value.trim() === '') return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

function headerText(value: unknown): string | undefined {
  if (Array.isArray(value)) return value.map((v) => String(v)).join(', ');
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}
