import { NO_FAULTS } from './fault-settings';
import { FaultState } from './fault-state';

describe('FaultState', () => {
  const now = 1_000_000;

  it('counts down deterministic faults and refuses unknown or out-of-range ones as a whole', () => {
    const f = new FaultState(
      NO_FAULTS,
      () => now,
      () => 0,
    );
    expect(f.apply({ burst429: 1, errorNext: 1, dropNext: 1, dropMode: 'after-store' })).toEqual({
      ok: true,
      revokeTokens: false,
    });
    expect([f.take429(), f.take429()]).toEqual([true, false]);
    expect([f.take5xx(), f.take5xx()]).toEqual([500, null]);
    expect([f.takeDrop(), f.takeDrop()]).toEqual(['after-store', null]);
    const refused = f.apply({ errorRate: 1.5, latencyMs: 10, typo: 1 });
    expect(refused).toEqual({
      ok: false,
      problems: [expect.stringContaining('errorRate'), expect.stringContaining('typo')],
    });
    expect(f.current.latencyMs).toBe(0);
    expect(f.apply({ tokenExpiry: true })).toEqual({ ok: true, revokeTokens: true });
  });

  it('keeps an outage until cleared or until its end time', () => {
    let t = now;
    const f = new FaultState(NO_FAULTS, () => t);
    f.apply({ outage: { seconds: 3 } });
    expect(f.outageRetryAfter()).toBe(3);
    t += 3000;
    expect(f.outageRetryAfter()).toBeNull();
    f.apply({ outage: true });
    expect(f.outageRetryAfter()).toBe(5);
    f.apply({ outage: false });
    expect(f.outageRetryAfter()).toBeNull();
  });
  it('rejects listed keys with the given code, refuses unknown codes, and clears with {}', () => {
    const f = new FaultState(NO_FAULTS, () => now);
    expect(f.apply({ rejectKeys: { 'org:0301234567': 'INVALID_RECORD' } })).toMatchObject({ ok: true });
    expect(f.rejectionOf('org:0301234567')).toBe('INVALID_RECORD');
    expect(f.rejectionOf('toString')).toBeUndefined();
    expect(f.apply({ rejectKeys: { k: 'NOPE' } })).toMatchObject({ ok: false });
    expect(f.apply({ rejectKeys: [] })).toMatchObject({ ok: false });
    expect(f.apply({ rejectKeys: {} })).toMatchObject({ ok: true });
    expect(f.rejectionOf('org:0301234567')).toBeUndefined();
  });
});
