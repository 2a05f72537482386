import { type Clock } from './clock';

/**
 * Spaces requests to at most `perSecond`, evenly (no bursts: the portal's own bucket then never
 * runs dry because of jitter between the two clocks). A 429's Retry-After pauses every caller,
 * since the portal limits per client, not per request.
 */
export class RequestRateLimiter {
  private nextAt = 0;
  private pausedUntil = 0;

  constructor(
    private readonly perSecond: number,
    private readonly clock: Clock,
  ) {}

  async acquire(): Promise<void> {
    const now = this.clock.now();
    const slot = Math.max(now, this.nextAt, this.pausedUntil);
    this.nextAt = slot + 1000 / this.perSecond;
    if (slot > now) await this.clock.sleep(slot - now);
  }

  pauseUntil(at: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, at);
  }
}
