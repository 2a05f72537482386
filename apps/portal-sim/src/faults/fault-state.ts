import { type FaultSettings, NO_FAULTS, REJECT_CODES, type RejectCode } from './fault-settings';

const SERVER_ERRORS = [500, 502, 503, 504] as const;

export type FaultPatchResult = { ok: true; revokeTokens: boolean } | { ok: false; problems: string[] };

/** The live fault settings, changed at runtime through POST /__sim/faults. */
export class FaultState {
  private settings: FaultSettings;

  constructor(
    initial: FaultSettings,
    private readonly now: () => number,
    private readonly random: () => number = Math.random,
  ) {
    this.settings = { ...initial, outage: initial.outage ? { ...initial.outage } : null };
  }

  get current(): Readonly<FaultSettings> {
    return this.settings;
  }

  /** The settings as the admin endpoint shows them (times as RFC 3339). */
  view(): Record<string, unknown> {
    const { outage, ...rest } = this.settings;
    const active = this.outageRetryAfter() !== null;
    return {
      ...rest,
      outage:
        outage && active
          ? { until: outage.until === null ? null : new Date(outage.until).toISOString() }
          : null,
    };
  }

  reset(): void {
    this.settings = { ...NO_FAULTS };
  }

  /**
   * Applies a partial JSON patch. Unknown fields and out-of-range values are refused as a whole,
   * so a typo in a demo script fails loudly instead of silently injecting nothing.
   */
  apply(patch: unknown): FaultPatchResult {
    if (typeof patch !== 'object' || patch === null || Array.isArray(patch))
      return { ok: false, problems: ['the body must be a JSON object'] };
    const p = patch as Record<string, unknown>;
    const problems: string[] = [];
    const next: FaultSettings = p.clear === true ? { ...NO_FAULTS } : { ...this.settings };
    const fraction = (name: 'errorRate' | 'dropRate'): void => {
      const v = p[name];
      if (v === undefined) return;
      if (typeof v !== 'number' || !(v >= 0 && v <= 1)) problems.push(`${name} must be a number from 0 to 1`);
      else next[name] = v;
    };
    const count = (name: 'errorNext' | 'burst429' | 'dropNext' | 'latencyMs' | 'retryAfterSeconds'): void => {
      const v = p[name];
      if (v === undefined) return;
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
        problems.push(`${name} must be a whole number >= 0`);
      else next[name] = v;
    };
    fraction('errorRate');
    fraction('dropRate');
    for (const name of ['errorNext', 'burst429', 'dropNext', 'latencyMs', 'retryAfterSeconds'] as const)
      count(name);
    if (p.dropMode !== undefined) {
      if (p.dropMode !== 'before' && p.dropMode !== 'after-store')
        problems.push('dropMode must be "before" or "after-store"');
      else next.dropMode = p.dropMode;
    }
    if (p.outage !== undefined) {
      const outage = parseOutage(p.outage, this.now());
      if (typeof outage === 'string') problems.push(outage);
      else next.outage = outage;
    }
    if (p.rejectKeys !== undefined) {
      const v = p.rejectKeys;
      const entries = typeof v === 'object' && v !== null && !Array.isArray(v) ? Object.entries(v) : null;
      if (!entries || entries.some(([, code]) => !REJECT_CODES.includes(code as RejectCode)))
        problems.push(`rejectKeys must be an object of key → one of ${REJECT_CODES.join(', ')}`);
      else next.rejectKeys = Object.fromEntries(entries);
    }
    if (p.tokenExpiry !== undefined && typeof p.tokenExpiry !== 'boolean')
      problems.push('tokenExpiry must be true or false');
    const known = new Set([...Object.keys(NO_FAULTS), 'clear', 'tokenExpiry']);
    for (const key of Object.keys(p)) if (!known.has(key)) problems.push(`unknown fault "${key}"`);
    if (problems.length > 0) return { ok: false, problems };
    this.settings = next;
    return { ok: true, revokeTokens: p.tokenExpiry === true };
  }

  /** Seconds to announce in Retry-After while an outage lasts, or null when there is none. */
  outageRetryAfter(): number | null {
    const outage = this.settings.outage;
    if (!outage) return null;
    if (outage.until === null) return 5;
    const left = outage.until - this.now();
    if (left <= 0) {
      this.settings.outage = null;
      return null;
    }
    return Math.max(1, Math.ceil(left / 1000));
  }

  take429(): boolean {
    if (this.settings.burst429 <= 0) return false;
    this.settings.burst429 -= 1;
    return true;
  }

  /** A 5xx status to answer this batch call with, or null. */
  take5xx(): number | null {
    const pick = (): number => SERVER_ERRORS[Math.floor(this.random() * SERVER_ERRORS.length)] ?? 500;
    if (this.settings.errorNext > 0) {
      this.settings.errorNext -= 1;
      return pick();
    }
    return this.settings.errorRate > 0 && this.random() < this.settings.errorRate ? pick() : null;
  }

  /** The injected refusal of a record key, if any. */
  rejectionOf(key: string): RejectCode | undefined {
    return Object.hasOwn(this.settings.rejectKeys, key) ? this.settings.rejectKeys[key] : undefined;
  }

  /** Whether to drop this batch call's connection, and when. */
  takeDrop(): 'before' | 'after-store' | null {
    if (this.settings.dropNext > 0) {
      this.settings.dropNext -= 1;
      return this.settings.dropMode;
    }
    return this.settings.dropRate > 0 && this.random() < this.settings.dropRate
      ? this.settings.dropMode
      : null;
  }
}

function parseOutage(value: unknown, now: number): FaultSettings['outage'] | string {
  if (value === false || value === null) return null;
  if (value === true) return { until: null };
  if (typeof value === 'object' && !Array.isArray(value)) {
    const v = value as Record<string, unknown>;
    if (typeof v.seconds === 'number' && v.seconds > 0) return { until: now + v.seconds * 1000 };
    if (typeof v.until === 'string' && !Number.isNaN(Date.parse(v.until)))
      return { until: Date.parse(v.until) };
  }
  return 'outage must be true, false, {"seconds": n} or {"until": "<RFC 3339 time>"}';
}
