import { type NewReceipt, type SourceEntity } from '@txng/persistence';

/** Injection token of the sources' store for ingest and polling (libs/persistence: PgSourceRepository). */
export const SOURCE_STORE = Symbol('SOURCE_STORE');

/** What ingest and polling need of sources in storage; the poll rules are PollRunner's. */
export interface SourceStore {
  polledSources(): Promise<Array<{ key: string; interval: number | null }>>;
  findAny(key: string): Promise<SourceEntity | null>;
  find(key: string): Promise<SourceEntity | null>;
  /** Moves the checkpoint from exactly `expected`; false when another run moved it. */
  advance(
    key: string,
    expected: Record<string, unknown> | null,
    moved: Record<string, unknown>,
  ): Promise<boolean>;
  /** The page's receipt and the checkpoint past it, both or neither; null when another run moved it. */
  storePage(
    key: string,
    expected: Record<string, unknown> | null,
    moved: Record<string, unknown>,
    receipt: NewReceipt,
  ): Promise<string | null>;
  recordSuccess(key: string, now: Date): Promise<void>;
  countFailure(key: string, reason: string): Promise<number | null>;
  backOff(key: string, until: Date, unhealthy: boolean): Promise<void>;
}
