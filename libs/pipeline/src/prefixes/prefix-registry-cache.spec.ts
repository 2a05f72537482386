/* eslint-disable @typescript-eslint/require-await -- in-memory stand-ins of asynchronous ports answer at once */
import { type PortalClient, type PrefixAnswer } from '@txng/portal-client';
import {
  type CachedPrefixRow,
  type PrefixCacheStore,
  type RegisteredPrefixAnswer,
} from './prefix-cache-store.port';
import { type PrefixLookupResult, PrefixRegistryCache } from './prefix-registry-cache';

// When the cache trusts what it holds and when it asks the registry; the cache itself is the port's
// in-memory stand-in (the PostgreSQL adapter, PgPrefixCacheRepository, is covered by the
// pipeline-conflicts integration spec against the portal simulator).

class MemoryPrefixCache implements PrefixCacheStore {
  private readonly rows = new Map<string, CachedPrefixRow>();

  async fresh(prefixes: readonly string[], digits: readonly string[]): Promise<CachedPrefixRow[]> {
    return [...this.rows.values()].filter((r) =>
      r.kind === 'prefix' ? prefixes.includes(r.digits) : digits.includes(r.digits),
    );
  }

  async storeMiss(digits: string): Promise<void> {
    this.rows.set(`miss#${digits}`, { kind: 'miss', digits, prefix: null, status: null, ownerTaxCode: null });
  }

  async storeRegistered(digits: string, answer: RegisteredPrefixAnswer): Promise<void> {
    const row = { prefix: answer.prefix, status: answer.status, ownerTaxCode: answer.owner.taxCode };
    this.rows.set(`digits#${digits}`, { kind: 'digits', digits, ...row });
    this.rows.set(`prefix#${answer.prefix}`, { kind: 'prefix', digits: answer.prefix, ...row });
  }
}

const OWNER = '0301234567';
const OTHER = '0309876543';
const registered = (prefix: string, taxCode: string): PrefixAnswer => ({
  prefix,
  owner: { taxCode, gln: '8930000000017', name: 'Công ty' },
  status: 'active',
});

function registry(answer: (digits: string) => Promise<PrefixAnswer | null>) {
  const asked: string[] = [];
  const client = {
    lookupPrefix: (digits: string) => {
      asked.push(digits);
      return answer(digits);
    },
  } as unknown as PortalClient;
  return { asked, client };
}

describe('PrefixRegistryCache', () => {
  it('asks the registry once per prefix: another GTIN under a prefix whose owner agrees is answered from the cache', async () => {
    const { asked, client } = registry(async () => registered('8935049', OWNER));
    const lookups: PrefixLookupResult[] = [];
    const cache = new PrefixRegistryCache(
      new MemoryPrefixCache(),
      () => client,
      {},
      (r) => lookups.push(r),
    );
    const first = await cache.verdicts([{ digits: '893504950001', owner: OWNER }]);
    const second = await cache.verdicts([{ digits: '893504950002', owner: OWNER }]);
    expect(first.get('893504950001')).toEqual({
      status: 'registered',
      prefix: '8935049',
      ownerTaxCode: OWNER,
      registryStatus: 'active',
    });
    expect(second.get('893504950002')).toMatchObject({ status: 'registered', ownerTaxCode: OWNER });
    expect(asked).toEqual(['893504950001']);
    expect(lookups).toEqual(['miss', 'hit']);
  });

  it('asks again for the exact digits when a cached prefix would raise a conflict (prefixes nest)', async () => {
    const { asked, client } = registry(async (digits) =>
      digits.startsWith('893504955') ? registered('893504955', OTHER) : registered('8935049', OWNER),
    );
    const cache = new PrefixRegistryCache(new MemoryPrefixCache(), () => client);
    await cache.verdicts([{ digits: '893504950001', owner: OWNER }]);
    const nested = await cache.verdicts([{ digits: '893504955001', owner: OTHER }]);
    expect(nested.get('893504955001')).toMatchObject({ prefix: '893504955', ownerTaxCode: OTHER });
    expect(asked).toEqual(['893504950001', '893504955001']);
  });

  it('caches "not registered" for the digits asked', async () => {
    const { asked, client } = registry(async () => null);
    const cache = new PrefixRegistryCache(new MemoryPrefixCache(), () => client);
    await cache.verdicts([{ digits: '893504950001', owner: OWNER }]);
    const again = await cache.verdicts([{ digits: '893504950001', owner: OTHER }]);
    expect(again.get('893504950001')).toEqual({ status: 'not-registered' });
    expect(asked).toEqual(['893504950001']);
  });

  it('answers unreachable while the registry fails, without asking again within the same call, and caches nothing', async () => {
    let down = true;
    const { asked, client } = registry(async () => {
      if (down) throw Object.assign(new Error('portal unavailable'), { code: 'PORTAL_UNAVAILABLE' });
      return registered('8935049', OWNER);
    });
    const cache = new PrefixRegistryCache(new MemoryPrefixCache(), () => client);
    const out = await cache.verdicts([
      { digits: '893504950001', owner: OWNER },
      { digits: '893504960001', owner: OWNER },
    ]);
    expect(out.get('893504950001')).toEqual({
      status: 'unreachable',
      reason: 'PORTAL_UNAVAILABLE: portal unavailable',
    });
    expect(out.get('893504960001')).toMatchObject({ status: 'unreachable' });
    expect(asked).toEqual(['893504950001']);
    down = false;
    const back = await cache.verdicts([{ digits: '893504950001', owner: OWNER }]);
    expect(back.get('893504950001')).toMatchObject({ status: 'registered' });
    expect(asked).toEqual(['893504950001', '893504950001']);
  });

  it('holds the check back when the registry does not answer before the deadline', async () => {
    const { client } = registry(() => new Promise<PrefixAnswer | null>(() => undefined));
    const cache = new PrefixRegistryCache(new MemoryPrefixCache(), () => client, { lookupDeadlineMs: 10 });
    const out = await cache.verdicts([{ digits: '893504950001', owner: OWNER }]);
    expect(out.get('893504950001')).toEqual({ status: 'unreachable', reason: 'no answer within 10 ms' });
  });
});
