import { CircuitBreaker } from './circuit-breaker';

describe('CircuitBreaker', () => {
  let now = 0;
  const clock = { now: () => now, sleep: () => Promise.resolve() };
  const states: string[] = [];
  const make = () =>
    new CircuitBreaker({ failureThreshold: 3, cooldownMs: 1000 }, clock, (s) => states.push(s));

  beforeEach(() => {
    now = 0;
    states.length = 0;
  });

  it('opens after N consecutive failures and fails fast with the time left', () => {
    const b = make();
    for (let i = 0; i < 2; i++) {
      expect(b.tryAcquire()).toBeNull();
      b.failure();
    }
    b.success(); // a success resets the count
    for (let i = 0; i < 3; i++) {
      expect(b.tryAcquire()).toBeNull();
      b.failure();
    }
    expect(b.current).toBe('open');
    now = 400;
    expect(b.tryAcquire()).toBe(600);
  });

  it('lets one probe through after the cool-down; its success closes, its failure reopens', () => {
    const b = make();
    for (let i = 0; i < 3; i++) b.failure();
    now = 1000;
    expect(b.tryAcquire()).toBeNull();
    expect(b.current).toBe('half-open');
    expect(b.tryAcquire()).not.toBeNull(); // only one probe
    b.failure();
    expect(b.current).toBe('open');
    now = 2000;
    expect(b.tryAcquire()).toBeNull();
    b.success();
    expect(b.current).toBe('closed');
    expect(states).toEqual(['open', 'half-open', 'open', 'half-open', 'closed']);
  });
});
