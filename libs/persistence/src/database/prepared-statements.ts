import { createHash } from 'node:crypto';
import { Client } from 'pg';

/**
 * Named prepared statements for the main path's hot SQL.
 *
 * TypeORM sends every statement unnamed, so PostgreSQL parses and plans it again at each call.
 * For the statements every webhook and receipt runs (a few CTEs of several joins each), that was
 * about a sixth of the server's time per statement in the benchmark (docs/BENCHMARKS.md, "Locks,
 * planning and held data"). A statement marked with `prepared()` is sent named instead: parsed
 * once per connection (for PLAN_LIFETIME_S at most), and planned once its generic plan is as good.
 *
 * Only fixed texts may be marked: the name is derived from the text, and each distinct text stays
 * prepared on every pooled connection for its lifetime. A statement whose text varies (built
 * placeholders, embedded identifiers) must not be marked. `DATABASE_PREPARED_STATEMENTS=off` turns
 * it off for a pooler that cannot carry named statements (PgBouncer in transaction mode before
 * 1.21, or without `max_prepared_statements`).
 */
const NAMES = new Map<string, string>();

/**
 * How long a connection that prepares lives, in seconds: its prepared statements, and the plans
 * PostgreSQL keeps for them, go with it. With `plan_cache_mode = auto` (PostgreSQL's default) a
 * statement's generic plan is kept once it costs no more than the first five custom plans, and
 * only an ANALYZE of its tables replaces it. Plans made while the tables were small (sequential
 * scans of `record` and `record_version`) then stayed while the tables grew, and in a 10-minute
 * soak with autovacuum off PostgreSQL took a whole core (docs/BENCHMARKS.md, "The soak"). A new
 * connection plans again with the tables' current size, so a stale plan lasts about a minute (pg-pool
 * ends an expired connection when it is idle or released, never inside a transaction).
 * Planning at every call instead (`force_custom_plan`) cost PostgreSQL 85 % more CPU in `bulk`,
 * where each statement carries 500 records of JSON ("Generic plans, renewed").
 */
export const PLAN_LIFETIME_S = 60;

/** Marks `text` to be sent as a named prepared statement (where the pool prepares); returns it. */
export function prepared(text: string): string {
  if (!NAMES.has(text))
    NAMES.set(text, `txng_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`);
  return text;
}

/** The name a marked text is prepared under (undefined when it is not marked). */
export const preparedName = (text: string): string | undefined => NAMES.get(text);

type Query = (this: Client, ...args: unknown[]) => unknown;
/** pg's own `query`, looked up at each call (a test's statement counter may wrap it meanwhile). */
// eslint-disable-next-line @typescript-eslint/unbound-method -- called with the client as `this`
const sendQuery = (): Query => Client.prototype.query;

/**
 * The pool's client (`extra.Client`, see data-source-options.ts): a marked text with parameters
 * goes out as `{ name, text, values }`, everything else as it came.
 */
export class PreparingClient extends Client {}

// pg's `query` has a dozen overloads; the override forwards whichever was called.
(PreparingClient.prototype as unknown as { query: Query }).query = function (this: Client, ...args) {
  const [config, values, callback] = args;
  if (typeof config === 'string' && Array.isArray(values)) {
    const name = NAMES.get(config);
    if (name !== undefined) return sendQuery().call(this, { name, text: config, values }, callback);
  }
  return sendQuery().apply(this, args);
};
