import { type PortalClient, type PrefixAnswer } from '@txng/portal-client';
import { type PrefixRegistryPort } from '../pipeline-store.port';
import { type PrefixVerdict } from '../pipeline.types';
import { type PrefixCacheStore } from './prefix-cache-store.port';

export interface PrefixCacheOptions {
  /** How long a registered prefix is trusted (default 24 h). */
  registeredTtlMs: number;
  /** How long "not registered" is trusted for the digits asked (default 1 h: a prefix may be registered soon). */
  notRegisteredTtlMs: number;
  /** Longest wait for one registry answer before the check is held back (default 10 s). */
  lookupDeadlineMs: number;
}

export const DEFAULT_PREFIX_CACHE_OPTIONS: PrefixCacheOptions = {
  registeredTtlMs: 24 * 3600_000,
  notRegisteredTtlMs: 3600_000,
  lookupDeadlineMs: 10_000,
};

export type PrefixLookupResult = 'hit' | 'miss' | 'unreachable';

/**
 * The portal's GS1 company prefix registry (national-portal-api.md) behind a cache shared by every
 * process (the `PrefixCacheStore` port; on PostgreSQL, PgPrefixCacheRepository). Each answer is
 * cached for the 12 digits asked and (registered ones) for the prefix, so every GTIN under a prefix
 * whose owner agrees is answered by one lookup. Registered prefixes may nest (the registry answers
 * the longest), so a cached prefix that would raise a conflict is asked about again for the exact
 * digits first. "Not registered" is cached per digits. While the registry cannot be asked
 * (unavailable, timing out, breaker open, credentials refused) the answer is `unreachable` and the
 * pipeline holds the check back; the first answer after that is cached as usual.
 */
export class PrefixRegistryCache implements PrefixRegistryPort {
  private readonly options: PrefixCacheOptions;

  constructor(
    private readonly cache: PrefixCacheStore,
    /** Read on every lookup, so the client can be replaced (tests shorten its retries). */
    private readonly client: () => PortalClient,
    options: Partial<PrefixCacheOptions> = {},
    private readonly onLookup: (result: PrefixLookupResult) => void = () => undefined,
  ) {
    this.options = { ...DEFAULT_PREFIX_CACHE_OPTIONS, ...options };
  }

  async verdicts(
    items: ReadonlyArray<{ digits: string; owner: string | null }>,
  ): Promise<Map<string, PrefixVerdict>> {
    const out = new Map<string, PrefixVerdict>();
    const owners = new Map<string, Set<string | null>>();
    for (const i of items) {
      const set = owners.get(i.digits) ?? new Set<string | null>();
      set.add(i.owner);
      owners.set(i.digits, set);
    }
    const wanted = [...owners.keys()].sort();
    if (wanted.length === 0) return out;
    const prefixes = [...new Set(wanted.flatMap((d) => leadingParts(d)))];
    const rows = await this.cache.fresh(prefixes, wanted);
    const exact = new Map<string, PrefixVerdict>();
    const known = new Map<string, Registered>();
    for (const r of rows) {
      if (r.kind === 'miss') exact.set(r.digits, { status: 'not-registered' });
      else {
        const v: Registered = {
          status: 'registered',
          prefix: r.kind === 'prefix' ? r.digits : (r.prefix ?? r.digits),
          ownerTaxCode: r.ownerTaxCode ?? '',
          registryStatus: r.status ?? 'active',
        };
        if (r.kind === 'digits') exact.set(r.digits, v);
        else known.set(r.digits, v);
      }
    }
    let down: string | null = null;
    for (const d of wanted) {
      // The registry's own answer for these digits; else a cached prefix they start with, trusted
      // only when it agrees with every owner named (registered prefixes may nest, and the registry
      // answers the longest: a disagreement is checked against the registry before it becomes a conflict).
      const cached = exact.get(d) ?? agreeing(longestKnown(known, d), owners.get(d)!);
      if (cached) {
        this.onLookup('hit');
        out.set(d, cached);
        continue;
      }
      if (down !== null) {
        // The registry failed for an earlier GTIN of this call: do not wait on it again now.
        this.onLookup('unreachable');
        out.set(d, { status: 'unreachable', reason: down });
        continue;
      }
      const answer = await this.ask(d);
      if ('unreachable' in answer) {
        down = answer.unreachable;
        this.onLookup('unreachable');
        out.set(d, { status: 'unreachable', reason: down });
        continue;
      }
      this.onLookup('miss');
      if (answer.prefix === null) {
        out.set(d, { status: 'not-registered' });
      } else {
        const v: Registered = {
          status: 'registered',
          prefix: answer.prefix.prefix,
          ownerTaxCode: answer.prefix.owner.taxCode,
          registryStatus: answer.prefix.status,
        };
        known.set(answer.prefix.prefix, v);
        out.set(d, v);
      }
    }
    return out;
  }

  /** One registry call, bounded by the deadline; a late answer is still cached when it comes. */
  private async ask(digits: string): Promise<{ prefix: PrefixAnswer | null } | { unreachable: string }> {
    const call = this.client()
      .lookupPrefix(digits)
      .then(async (prefix) => {
        await this.store(digits, prefix);
        return { prefix };
      });
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<{ unreachable: string }>((resolve) => {
      timer = setTimeout(
        () => resolve({ unreachable: `no answer within ${this.options.lookupDeadlineMs} ms` }),
        this.options.lookupDeadlineMs,
      );
    });
    try {
      return await Promise.race([
        call.catch((error: unknown) => ({ unreachable: describe(error) })),
        deadline,
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async store(digits: string, answer: PrefixAnswer | null): Promise<void> {
    const ttl = (answer === null ? this.options.notRegisteredTtlMs : this.options.registeredTtlMs) / 1000;
    if (answer === null) await this.cache.storeMiss(digits, ttl);
    else await this.cache.storeRegistered(digits, answer, ttl);
  }
}

/** Every leading part of 6 to 12 digits (GS1 company prefixes are 6-12 digits long). */
function leadingParts(digits: string): string[] {
  const parts: string[] = [];
  for (let len = Math.min(12, digits.length); len >= 6; len--) parts.push(digits.slice(0, len));
  return parts;
}

type Registered = Extract<PrefixVerdict, { status: 'registered' }>;

/** A cached prefix's verdict when it raises no conflict for any of the owners named; else null (ask). */
function agreeing(v: Registered | null, owners: Set<string | null>): Registered | null {
  if (v === null || v.registryStatus !== 'active') return null;
  for (const o of owners) if (o !== null && o !== v.ownerTaxCode) return null;
  return v;
}

function longestKnown(known: Map<string, Registered>, digits: string): Registered | null {
  for (const p of leadingParts(digits)) {
    const v = known.get(p);
    if (v) return v;
  }
  return null;
}

function describe(error: unknown): string {
  const e = error as { code?: unknown; message?: unknown };
  const code = typeof e?.code === 'string' ? `${e.code}: ` : '';
  return `${code}${typeof e?.message === 'string' ? e.message : String(error)}`;
}
