import { type CachedPrefixRow, type RegisteredPrefixAnswer } from '@txng/persistence';

export type { CachedPrefixRow, RegisteredPrefixAnswer } from '@txng/persistence';

/**
 * Where the prefix registry's answers are cached, shared by every process (a port: the PostgreSQL
 * adapter is PgPrefixCacheRepository, libs/persistence/src/pipeline). When a cached answer is
 * trusted is PrefixRegistryCache's.
 */
export interface PrefixCacheStore {
  /** Unexpired answers: `prefix` rows for `prefixes`, `digits` and `miss` rows for `digits`. */
  fresh(prefixes: readonly string[], digits: readonly string[]): Promise<CachedPrefixRow[]>;
  /** "Not registered" for these digits, trusted for `ttlSeconds`. */
  storeMiss(digits: string, ttlSeconds: number): Promise<void>;
  /** A registered prefix for these digits and for the prefix itself, trusted for `ttlSeconds`. */
  storeRegistered(digits: string, answer: RegisteredPrefixAnswer, ttlSeconds: number): Promise<void>;
}
