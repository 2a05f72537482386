import { AsyncLocalStorage } from 'node:async_hooks';
import { Client } from 'pg';

/** The SQL statements sent while a counted call ran, in order (first line of each, trimmed). */
export interface StatementLog {
  statements: string[];
}

const current = new AsyncLocalStorage<StatementLog>();
let installed = false;

/**
 * Counts the statements `pg` sends on behalf of a call (the worker's ingest jobs): every
 * `Client.query` made in the call's asynchronous context, TypeORM's BEGIN and COMMIT included,
 * none of another job's. Installed once per test file, before the hub starts.
 */
export function installStatementCounter(): void {
  if (installed) return;
  installed = true;
  const query = Client.prototype.query as (...args: unknown[]) => unknown;
  Client.prototype.query = function counted(this: Client, ...args: unknown[]) {
    const log = current.getStore();
    if (log) {
      const first = args[0];
      const text = typeof first === 'string' ? first : ((first as { text?: string } | null)?.text ?? '?');
      log.statements.push(text.replace(/\s+/g, ' ').trim());
    }
    return query.apply(this, args);
  } as typeof Client.prototype.query;
}

/** Runs `fn` with its statements counted into `log`. */
export function countStatements<T>(log: StatementLog, fn: () => T): T {
  return current.run(log, fn);
}
