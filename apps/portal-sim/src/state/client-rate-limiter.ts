interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * A token bucket per client: `perSecond` tokens a second, holding at most one second's worth,
 * so a client may burst up to the limit but never sustain more than it.
 */
export class ClientRateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number,
  ) {}

  /** null when the call may go ahead; otherwise the whole seconds to put in Retry-After. */
  take(clientId: string): number | null {
    if (this.perSecond <= 0) return null;
    const now = this.now();
    const bucket = this.buckets.get(clientId) ?? { tokens: this.perSecond, updatedAt: now };
    bucket.tokens = Math.min(
      this.perSecond,
      bucket.tokens + ((now - bucket.updatedAt) / 1000) * this.perSecond,
    );
    bucket.updatedAt = now;
    this.buckets.set(clientId, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return null;
    }
    const waitMs = ((1 - bucket.tokens) / this.perSecond) * 1000;
    // Retry-After is whole seconds (RFC 9110); never 0, which would invite an immediate retry.
    return Math.max(1, Math.ceil(waitMs / 1000));
  }
}
