/**
 * The hub's one lock order. Every transaction that holds more than one row lock takes its locks in
 * this order, so two transactions wanting some of the same rows queue up on the first row they
 * share instead of each holding what the other needs (a deadlock):
 *
 *   1. the receipt row (the pipeline judging it);
 *   2. `record` rows, sorted by (kind, key) in byte order;
 *   3. `event_identifier` rows, sorted by event_id in byte order;
 *   4. `commissioned_serial` rows, sorted by sgtin in byte order.
 *
 * A step may be skipped, never taken out of order. Byte order is `COLLATE "C"` in SQL and
 * `byteOrder` in TypeScript: the same for the ASCII keys the national model makes, and unlike the
 * database's default collation it does not depend on the locale. Rows are created (insert-if-missing)
 * in the same order they are then locked in. Deadlocks that remain (rare) are retried by
 * retryingTransaction.
 */

/** Byte-wise order, the same as `COLLATE "C"` for the ASCII keys the model makes. */
export const byteOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** (kind, key) pairs in the lock order of `record` rows. */
export const recordKeyOrder = (
  a: { kind: string; key: string },
  b: { kind: string; key: string },
): number => byteOrder(a.kind, b.kind) || byteOrder(a.key, b.key);

/** The ORDER BY of `record` rows (or any kind/key columns) in the lock order; `alias` may be ''. */
export const recordKeyOrderSql = (alias = ''): string => {
  const p = alias ? `${alias}.` : '';
  return `${p}kind COLLATE "C", ${p}key COLLATE "C"`;
};
