import { type SimConfig } from '../config/sim-config';
import { FaultState } from '../faults/fault-state';
import { ClientRateLimiter } from './client-rate-limiter';
import { IdempotencyStore } from './idempotency-store';
import { PrefixRegistry } from './prefix-registry';
import { RecordStore } from './record-store';
import { SimStats } from './sim-stats';
import { TokenStore } from './token-store';

/**
 * Everything the simulated portal holds, in one object shared by the controllers and the gate
 * middleware. In memory by design: a restart forgets records, replays and tokens, which is also
 * how the demo shows "tokens expire early when the portal restarts".
 */
export class SimContext {
  readonly tokens: TokenStore;
  readonly limiter: ClientRateLimiter;
  readonly records = new RecordStore();
  readonly idempotency: IdempotencyStore;
  readonly registry: PrefixRegistry;
  readonly faults: FaultState;
  readonly stats = new SimStats();
  private batchCounter = 0;

  constructor(readonly config: SimConfig) {
    this.tokens = new TokenStore(config.tokenTtlSeconds, config.now);
    this.limiter = new ClientRateLimiter(config.rateLimitPerSecond, config.now);
    this.idempotency = new IdempotencyStore(config.now);
    this.registry = PrefixRegistry.load(config.prefixFile);
    this.faults = new FaultState(config.faults, config.now);
  }

  now(): number {
    return this.config.now();
  }

  nextBatchId(): string {
    this.batchCounter += 1;
    return `b_${this.now().toString(36).toUpperCase()}${String(this.batchCounter).padStart(6, '0')}`;
  }

  /** POST /__sim/reset: an empty portal with no faults; tokens and the registry stay. */
  reset(): void {
    this.records.clear();
    this.idempotency.clear();
    this.stats.clear();
    this.faults.reset();
  }
}
