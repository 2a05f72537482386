import { Inject, Injectable } from '@nestjs/common';
import { HUB_CONFIG, type HubConfig } from '@txng/common';

/** Gives the slot back; calling it twice gives back one slot. */
export type ReleaseSlot = () => void;

interface AddressState {
  active: number;
  waiting: Array<(granted: boolean) => void>;
}

/** How long a delivery waits for a slot before it is told to come back. */
export const SLOT_WAIT_MS = 10_000;

/**
 * Bounds the unauthenticated work one client address can have in progress: reading a body (up to
 * the source's limit) and hashing it for the signature. At most `concurrencyPerAddress` deliveries
 * of an address do that at once in this process; up to `waitingPerAddress` more wait their turn
 * without their body being read (TCP holds it back), and any beyond those, or one that waited
 * SLOT_WAIT_MS, is refused. Per process, in memory: the bound is on what one process does, and a
 * counter in Redis would itself be a round trip spent on strangers.
 */
@Injectable()
export class AddressConcurrencyLimiter {
  private readonly addresses = new Map<string, AddressState>();
  private readonly concurrency: number;
  private readonly queueLength: number;

  constructor(@Inject(HUB_CONFIG) config: HubConfig) {
    this.concurrency = config.intake.concurrencyPerAddress;
    this.queueLength = config.intake.waitingPerAddress;
  }

  /** A slot for `address`, or null when its queue is full or the wait ran out. */
  async acquire(address: string, waitMs = SLOT_WAIT_MS): Promise<ReleaseSlot | null> {
    let state = this.addresses.get(address);
    if (!state) {
      state = { active: 0, waiting: [] };
      this.addresses.set(address, state);
    }
    if (state.active < this.concurrency) {
      state.active += 1;
      return this.releaser(address, state);
    }
    if (state.waiting.length >= this.queueLength) return null;
    const queued = state;
    const granted = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        const at = queued.waiting.indexOf(handOver);
        if (at >= 0) queued.waiting.splice(at, 1);
        resolve(false);
      }, waitMs);
      const handOver = (ok: boolean) => {
        clearTimeout(timer);
        resolve(ok);
      };
      queued.waiting.push(handOver);
    });
    return granted ? this.releaser(address, queued) : null;
  }

  /** Deliveries of `address` holding a slot now. */
  active(address: string): number {
    return this.addresses.get(address)?.active ?? 0;
  }

  /** Deliveries of `address` waiting for a slot now. */
  waiting(address: string): number {
    return this.addresses.get(address)?.waiting.length ?? 0;
  }

  private releaser(address: string, state: AddressState): ReleaseSlot {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = state.waiting.shift();
      // The slot passes straight to the next in line, so `active` never dips below the limit
      // while others wait.
      if (next) return next(true);
      state.active -= 1;
      if (state.active === 0) this.addresses.delete(address);
    };
  }
}
