import { createHash } from 'node:crypto';
import { type OutboundGuard, OutboundRefusedError } from '@txng/common';
import { type PollSettings } from '@txng/persistence';
import axios, { type AxiosError, type AxiosRequestConfig, type AxiosResponse, isAxiosError } from 'axios';
import { type SourceSecrets } from '../sources/source-secrets';
import { PollErrorCode, PollFetchError } from './poll-fetch.error';

/** Where in the walk a request is: exactly one of these is set for a given pagination kind. */
export interface PageRequest {
  page?: number;
  cursor?: string | null;
  since?: string | null;
}

export interface FetchedPage {
  status: number;
  contentType: string;
  body: Buffer;
  /** The URL requested, with credentials (apiKey in query, user info) left out: safe to store and show. */
  url: string;
}

export type PollSecrets = NonNullable<SourceSecrets['pollAuth']>;

export const DEFAULT_POLL_TIMEOUT_SECONDS = 30;
/** A page larger than this is refused: the source should use a smaller page size. */
export const MAX_POLL_PAGE_BYTES = 20 * 1024 * 1024;
/** Refresh a token this long before the province says it expires. */
const TOKEN_EARLY_REFRESH_MS = 30_000;
const TEMPORARY_NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
]);

interface CachedToken {
  token: string;
  expiresAt: number;
}

/**
 * Fetches one page of a province's API. Holds the OAuth2 tokens of every source it has polled (one
 * per source and client), so a run of 100 pages asks the province's token endpoint once. Every
 * connection goes through the outbound guard (public addresses, or OUTBOUND_ALLOWLIST), never through
 * an environment proxy, and no redirect is followed: credentials go to the configured URL or nowhere.
 */
export class PollFetcher {
  private readonly tokens = new Map<string, CachedToken>();

  constructor(private readonly guard: OutboundGuard) {}

  /** Request options every outbound call of the connector shares. */
  private outbound(timeoutMs: number): AxiosRequestConfig {
    return {
      httpAgent: this.guard.httpAgent,
      httpsAgent: this.guard.httpsAgent,
      proxy: false,
      maxRedirects: 0,
      timeout: timeoutMs,
      // The socket timeout above only notices silence; this bounds a slow trickle as well.
      signal: AbortSignal.timeout(timeoutMs + 1000),
      validateStatus: () => true,
    };
  }

  async fetchPage(
    sourceKey: string,
    settings: PollSettings,
    secrets: PollSecrets,
    request: PageRequest,
  ): Promise<FetchedPage> {
    const { url, safeUrl } = buildPageUrl(settings, secrets, request);
    refuseUrl(this.guard, settings.url, "The source's poll URL");
    const timeoutMs = (settings.timeoutSeconds ?? DEFAULT_POLL_TIMEOUT_SECONDS) * 1000;
    const auth = settings.auth;

    let headers = await this.authHeaders(sourceKey, settings, secrets, timeoutMs, false);
    let response = await this.get(url, safeUrl, headers, timeoutMs);
    if (response.status === 401 && auth.type === 'oauth2') {
      // The token may have been revoked or expired early: one fresh token, one more try.
      headers = await this.authHeaders(sourceKey, settings, secrets, timeoutMs, true);
      response = await this.get(url, safeUrl, headers, timeoutMs);
    }
    checkStatus(response, safeUrl, auth.type);
    return {
      status: response.status,
      contentType: headerText(response.headers['content-type']) ?? 'application/octet-stream',
      body: Buffer.from(response.data),
      url: safeUrl,
    };
  }

  private async get(
    url: string,
    safeUrl: string,
    headers: Record<string, string>,
    timeoutMs: number,
  ): Promise<AxiosResponse<ArrayBuffer>> {
    try {
      // Redirects are not followed (outbound): a custom API-key header would travel to whatever
      // host the Location names. The error tells the operator the URL to configure instead.
      return await axios.get<ArrayBuffer>(url, {
        ...this.outbound(timeoutMs),
        headers: { Accept: 'application/json, application/xml;q=0.9, text/csv;q=0.8, */*;q=0.1', ...headers },
        responseType: 'arraybuffer',
        maxContentLength: MAX_POLL_PAGE_BYTES,
      });
    } catch (error) {
      throw networkError(error, safeUrl, timeoutMs);
    }
  }

  private async authHeaders(
    sourceKey: string,
    settings: PollSettings,
    secrets: PollSecrets,
    timeoutMs: number,
    forceRefresh: boolean,
  ): Promise<Record<string, string>> {
    const auth = settings.auth;
    switch (auth.type) {
      case 'apiKey':
        return auth.in === 'header' ? { [String(auth.name)]: secrets.value ?? '' } : {};
      case 'basic': {
        const pair = `${String(auth.username)}:${secrets.password ?? ''}`;
        return { Authorization: `Basic ${Buffer.from(pair, 'utf8').toString('base64')}` };
      }
      case 'oauth2':
        return {
          Authorization: `Bearer ${await this.token(sourceKey, settings, secrets, timeoutMs, forceRefresh)}`,
        };
      default:
        return {};
    }
  }

  private async token(
    sourceKey: string,
    settings: PollSettings,
    secrets: PollSecrets,
    timeoutMs: number,
    forceRefresh: boolean,
  ): Promise<string> {
    const auth = settings.auth;
    const tokenUrl = String(auth.tokenUrl);
    const clientId = String(auth.clientId);
    const clientSecret = secrets.clientSecret ?? '';
    // A changed token URL, client or secret must not reuse the old token.
    const cacheKey = createHash('sha256')
      .update(JSON.stringify([sourceKey, tokenUrl, clientId, clientSecret, auth.scope ?? null]))
      .digest('hex');
    const cached = this.tokens.get(cacheKey);
    if (cached && !forceRefresh && cached.expiresAt > Date.now()) return cached.token;
    this.tokens.delete(cacheKey);

    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: clientSecret,
    });
    if (typeof auth.scope === 'string' && auth.scope !== '') form.set('scope', auth.scope);
    const safeTokenUrl = withoutCredentials(new URL(tokenUrl));
    refuseUrl(this.guard, tokenUrl, "The source's OAuth2 token URL");
    let response: AxiosResponse<unknown>;
    try {
      // Not following a redirect matters most here: the client secret is in the body, and a 307/308
      // would post it again to whatever host the Location names.
      response = await axios.post<unknown>(tokenUrl, form.toString(), {
        ...this.outbound(timeoutMs),
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        maxContentLength: 1024 * 1024,
      });
    } catch (error) {
      throw networkError(error, safeTokenUrl, timeoutMs);
    }
    if (response.status >= 300 && response.status < 400) {
      const location = headerText(response.headers.location);
      throw new PollFetchError(
        PollErrorCode.TokenFailed,
        `The token endpoint ${safeTokenUrl} answered HTTP ${response.status} (a redirect to ${location ? withoutQuery(location, safeTokenUrl) : 'another address'}); the client secret was not sent there. Set the source's tokenUrl to the address it redirects to.`,
        false,
        response.status,
      );
    }
    if (response.status >= 500 || response.status === 429) {
      throw new PollFetchError(
        PollErrorCode.TokenFailed,
        `The token endpoint ${safeTokenUrl} answered ${response.status}; the next run tries again.`,
        true,
        response.status,
        retryAfter(response),
      );
    }
    const body = response.data as { access_token?: unknown; expires_in?: unknown } | null;
    if (response.status !== 200 || typeof body?.access_token !== 'string' || body.access_token === '') {
      throw new PollFetchError(
        PollErrorCode.TokenFailed,
        `The token endpoint ${safeTokenUrl} refused the client credentials (HTTP ${response.status}); check the source's clientId, clientSecret and scope.`,
        false,
        response.status,
      );
    }
    const expiresIn = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 3600;
    this.tokens.set(cacheKey, {
      token: body.access_token,
      expiresAt: Date.now() + expiresIn * 1000 - TOKEN_EARLY_REFRESH_MS,
    });
    return body.access_token;
  }
}

/** The request URL (with secrets) and the same URL fit to store and show (without them). */
export function buildPageUrl(
  settings: PollSettings,
  secrets: PollSecrets,
  request: PageRequest,
): { url: string; safeUrl: string } {
  const url = new URL(settings.url);
  const p = settings.pagination;
  const param = String(p.param);
  if (p.type === 'page') {
    url.searchParams.set(param, String(request.page ?? pageStart(settings)));
    if (typeof p.sizeParam === 'string' && typeof p.size === 'number')
      url.searchParams.set(p.sizeParam, String(p.size));
  } else if (p.type === 'cursor') {
    if (request.cursor) url.searchParams.set(param, request.cursor);
  } else if (request.since) {
    url.searchParams.set(param, request.since);
  }
  const safeUrl = withoutCredentials(new URL(url));
  if (settings.auth.type === 'apiKey' && settings.auth.in === 'query') {
    url.searchParams.set(String(settings.auth.name), secrets.value ?? '');
  }
  return { url: url.toString(), safeUrl };
}

export function pageStart(settings: PollSettings): number {
  const startAt = settings.pagination.startAt;
  return typeof startAt === 'number' ? startAt : 1;
}

function withoutCredentials(url: URL): string {
  url.username = '';
  url.password = '';
  return url.toString();
}

/** A redirect target without its query, which might carry a token the province put there. */
function withoutQuery(location: string, base: string): string {
  try {
    const url = new URL(location, base);
    url.search = '';
    return withoutCredentials(url);
  } catch {
    return 'an unreadable address';
  }
}

function checkStatus(response: AxiosResponse, safeUrl: string, authType: string): void {
  const status = response.status;
  if (status >= 200 && status < 300) return;
  const at = `${safeUrl} answered HTTP ${status}`;
  if (status >= 300 && status < 400) {
    const location = headerText(response.headers.location);
    const target = location ? withoutQuery(location, safeUrl) : 'another address';
    throw new PollFetchError(
      PollErrorCode.Rejected,
      `${at} (a redirect to ${target}); set the source's poll URL to the address it redirects to.`,
      false,
      status,
    );
  }
  if (status === 429) {
    const wait = retryAfter(response);
    throw new PollFetchError(
      PollErrorCode.RateLimited,
      `${at} (rate limited${wait !== null ? `, retry after ${wait} s` : ''}); the next run tries again.`,
      true,
      status,
      wait,
    );
  }
  if (status >= 500 || status === 408) {
    throw new PollFetchError(
      PollErrorCode.ServerError,
      `${at}; the province's system is failing, the next run tries again.`,
      true,
      status,
      retryAfter(response),
    );
  }
  if (status === 401 || status === 403) {
    const what =
      authType === 'none'
        ? "the API wants credentials: set the source's poll auth"
        : "check the source's poll credentials with the province";
    throw new PollFetchError(PollErrorCode.Unauthorized, `${at}; ${what}.`, false, status);
  }
  if (status === 404) {
    throw new PollFetchError(PollErrorCode.NotFound, `${at}; check the source's poll URL.`, false, status);
  }
  throw new PollFetchError(
    PollErrorCode.Rejected,
    `${at}; the request was refused, check the source's poll settings.`,
    false,
    status,
  );
}

/** A URL the guard refuses before any connection (plain http in production) is a permanent failure. */
function refuseUrl(guard: OutboundGuard, url: string, what: string): void {
  const problem = guard.urlProblem(url, what);
  if (problem) throw new PollFetchError(PollErrorCode.AddressRefused, problem, false);
}

function networkError(error: unknown, safeUrl: string, timeoutMs: number): PollFetchError {
  const refused =
    error instanceof OutboundRefusedError ? error : (error as { cause?: unknown } | null)?.cause;
  if (refused instanceof OutboundRefusedError) {
    return new PollFetchError(
      PollErrorCode.AddressRefused,
      `Fetching ${safeUrl} was refused: ${refused.message}`,
      false,
    );
  }
  if (!isAxiosError(error)) {
    return new PollFetchError(
      PollErrorCode.Unreachable,
      `Fetching ${safeUrl} failed; the next run tries again.`,
      true,
    );
  }
  const e = error as AxiosError;
  const code = e.code ?? '';
  if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || code === 'ERR_CANCELED') {
    return new PollFetchError(
      PollErrorCode.Timeout,
      `${safeUrl} did not answer within ${timeoutMs / 1000} s; the next run tries again.`,
      true,
    );
  }
  if (code === 'ERR_BAD_RESPONSE' && /maxContentLength/i.test(e.message)) {
    return new PollFetchError(
      PollErrorCode.TooLarge,
      `A page from ${safeUrl} is larger than ${MAX_POLL_PAGE_BYTES / (1024 * 1024)} MiB; configure a smaller page size.`,
      false,
    );
  }
  const temporary = TEMPORARY_NETWORK_CODES.has(code) || code === '' || code === 'ERR_NETWORK';
  return new PollFetchError(
    PollErrorCode.Unreachable,
    `${safeUrl} could not be reached (${code || 'network error'}); ${temporary ? 'the next run tries again' : "check the source's poll URL"}.`,
    temporary,
  );
}

function retryAfter(response: AxiosResponse): number | null {
  const value = headerText(response.headers['retry-after']);
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

function headerText(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return null;
}
