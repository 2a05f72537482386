import { type Clock } from './clock';
import { type BreakerSettings } from './portal-client.options';

export type BreakerState = 'closed' | 'open' | 'half-open';

/**
 * Closed → open after N consecutive failures → after the cool-down, one probe is let through
 * (half-open) while every other call still fails fast → the probe's outcome closes or reopens it.
 * Failing fast is the point: workers park their jobs instead of burning retries on a dead portal.
 */
export class CircuitBreaker {
  private state: BreakerState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private probeInFlight = false;

  constructor(
    private readonly settings: BreakerSettings,
    private readonly clock: Clock,
    private readonly onChange: (state: BreakerState) => void = () => undefined,
  ) {}

  get current(): BreakerState {
    return this.state;
  }

  /**
   * null when the call may go ahead (it then must report success() or failure()); otherwise the
   * milliseconds until a probe will be allowed.
   */
  tryAcquire(): number | null {
    if (this.state === 'closed') return null;
    const waited = this.clock.now() - this.openedAt;
    if (this.state === 'open' && waited >= this.settings.cooldownMs) this.move('half-open');
    if (this.state === 'half-open' && !this.probeInFlight) {
      this.probeInFlight = true;
      return null;
    }
    return Math.max(1, this.settings.cooldownMs - waited);
  }

  /** The portal answered (any status that is not a server failure). */
  success(): void {
    this.failures = 0;
    this.probeInFlight = false;
    if (this.state !== 'closed') this.move('closed');
  }

  failure(): void {
    this.failures += 1;
    const wasProbe = this.probeInFlight;
    this.probeInFlight = false;
    if (wasProbe || (this.state === 'closed' && this.failures >= this.settings.failureThreshold)) {
      this.openedAt = this.clock.now();
      this.move('open');
    }
  }

  /** A call that acquired but ended without an answer either way (e.g. cancelled) frees the probe slot. */
  release(): void {
    this.probeInFlight = false;
  }

  private move(state: BreakerState): void {
    this.state = state;
    this.onChange(state);
  }
}

/** One breaker per portal base URL, so every client in the process sees the same portal health. */
export class CircuitBreakerRegistry {
  private readonly breakers = new Map<string, CircuitBreaker>();

  get(baseUrl: string, create: () => CircuitBreaker): CircuitBreaker {
    let breaker = this.breakers.get(baseUrl);
    if (!breaker) {
      breaker = create();
      this.breakers.set(baseUrl, breaker);
    }
    return breaker;
  }
}

export const defaultBreakerRegistry = new CircuitBreakerRegistry();
