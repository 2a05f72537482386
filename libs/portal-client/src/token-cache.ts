import { type Clock } from './clock';

export interface FetchedToken {
  accessToken: string;
  /** Seconds, as the portal said; may be missing or nonsense. */
  expiresIn: unknown;
}

interface CachedToken {
  accessToken: string;
  refreshAt: number;
}

/** When the portal gives no usable expires_in, assume a short life rather than a long one. */
const FALLBACK_LIFETIME_MS = 60_000;
/** A portal announcing days is not believed: a restart revokes tokens anyway. */
const MAX_LIFETIME_MS = 60 * 60_000;

/**
 * One bearer token shared by every call, fetched once when several calls need it at the same
 * moment, refreshed before the portal says it expires, and dropped on 401 invalid_token (a portal
 * restart revokes tokens early).
 */
export class TokenCache {
  private cached: CachedToken | null = null;
  private pending: Promise<string> | null = null;

  constructor(
    private readonly fetchToken: () => Promise<FetchedToken>,
    private readonly clock: Clock,
    private readonly refreshMarginMs: number,
    private readonly onFetch: (reason: 'initial' | 'expiring' | 'invalid_token') => void = () => undefined,
  ) {}

  private lastInvalidated = false;

  async get(): Promise<string> {
    if (this.cached && this.clock.now() < this.cached.refreshAt) return this.cached.accessToken;
    if (!this.pending) {
      this.onFetch(this.lastInvalidated ? 'invalid_token' : this.cached ? 'expiring' : 'initial');
      this.pending = this.fetchAndStore().finally(() => {
        this.pending = null;
      });
    }
    return this.pending;
  }

  /**
   * Forgets `token` after the portal refused it. Only that token: when several calls got 401 with
   * the same token, the first one's refresh must not be thrown away by the others.
   */
  invalidate(token: string): void {
    if (this.cached?.accessToken === token) {
      this.cached = null;
      this.lastInvalidated = true;
    }
  }

  private async fetchAndStore(): Promise<string> {
    const fetchedAt = this.clock.now();
    const token = await this.fetchToken();
    const lifetime =
      typeof token.expiresIn === 'number' && Number.isFinite(token.expiresIn) && token.expiresIn > 0
        ? Math.min(token.expiresIn * 1000, MAX_LIFETIME_MS)
        : FALLBACK_LIFETIME_MS;
    // Keep a margin of at least 10 % of the lifetime, so a short-lived token is not used to its last second.
    const margin = Math.min(Math.max(this.refreshMarginMs, lifetime * 0.1), lifetime * 0.5);
    this.cached = { accessToken: token.accessToken, refreshAt: fetchedAt + lifetime - margin };
    this.lastInvalidated = false;
    return token.accessToken;
  }
}
