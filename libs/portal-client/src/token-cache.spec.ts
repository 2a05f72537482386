import { TokenCache } from './token-cache';
import { retryAfterMs } from './portal-transport';

describe('TokenCache', () => {
  let now = 0;
  const clock = { now: () => now, sleep: () => Promise.resolve() };

  it('fetches once for concurrent callers and refreshes before expires_in runs out', async () => {
    let n = 0;
    const cache = new TokenCache(
      () => Promise.resolve({ accessToken: `t${++n}`, expiresIn: 300 }),
      clock,
      30_000,
    );
    expect(await Promise.all([cache.get(), cache.get(), cache.get()])).toEqual(['t1', 't1', 't1']);
    now = 269_000;
    expect(await cache.get()).toBe('t1');
    now = 270_000;
    expect(await cache.get()).toBe('t2');
  });

  it('does not believe a missing or absurd expires_in, and forgets only the refused token', async () => {
    now = 0;
    let n = 0;
    const cache = new TokenCache(
      () => Promise.resolve({ accessToken: `t${++n}`, expiresIn: n === 1 ? 'soon' : 10 ** 9 }),
      clock,
      1000,
    );
    expect(await cache.get()).toBe('t1');
    now = 60_000; // fallback lifetime 60 s
    expect(await cache.get()).toBe('t2');
    cache.invalidate('t1'); // a late 401 for the old token must not drop the new one
    expect(await cache.get()).toBe('t2');
    now += 59 * 60_000; // capped at one hour despite expires_in of 31 years
    expect(await cache.get()).toBe('t3');
    cache.invalidate('t3');
    expect(await cache.get()).toBe('t4');
  });
});

describe('retryAfterMs', () => {
  it('reads delta-seconds and HTTP dates', () => {
    expect(retryAfterMs('3', 0)).toBe(3000);
    expect(retryAfterMs('Thu, 01 Jan 1970 00:00:10 GMT', 4000)).toBe(6000);
    expect(retryAfterMs(undefined, 0)).toBeNull();
    expect(retryAfterMs('soon', 0)).toBeNull();
  });
});
