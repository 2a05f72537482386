import { setTimeout as sleep } from 'node:timers/promises';

/** Time as the client sees it; tests pass one that records or shortens the waits. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => sleep(ms),
};
