import Redis from 'ioredis';
import { Client } from 'pg';

/** One kind of statement or command and how often it was sent. */
export interface Tally {
  total: number;
  byKind: Map<string, number>;
}

/** The first words of a statement, spaces folded, so statements of one kind count together. */
const kindOfSql = (text: string): string => text.replace(/\s+/g, ' ').trim().slice(0, 90);

/**
 * Counts every SQL statement every pg client of this process sends, and every Redis command every
 * ioredis connection sends (a pipeline's commands one by one; `pipelines` counts the flushes), while
 * started. The hub under test runs in this process (startGateway), so what it sends is counted; the
 * test's own clients are counted too, so a test sends nothing else while counting.
 */
export class RoundTripCounter {
  readonly sql: Tally = { total: 0, byKind: new Map() };
  readonly redis: Tally = { total: 0, byKind: new Map() };
  pipelines = 0;
  private restore: Array<() => void> = [];

  start(): this {
    const pgQuery = Client.prototype.query;
    const sql = this.sql;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    (Client.prototype as any).query = function (this: Client, ...args: any[]) {
      const first = args[0] as string | { text?: string };
      const text = typeof first === 'string' ? first : (first?.text ?? '');
      sql.total += 1;
      const kind = kindOfSql(text);
      sql.byKind.set(kind, (sql.byKind.get(kind) ?? 0) + 1);
      return (pgQuery as (...a: unknown[]) => unknown).apply(this, args);
    };
    this.restore.push(() => {
      Client.prototype.query = pgQuery;
    });

    const send = Redis.prototype.sendCommand;
    const redis = this.redis;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    (Redis.prototype as any).sendCommand = function (
      this: Redis,
      command: { name: string; args: unknown[] },
      ...rest: unknown[]
    ) {
      redis.total += 1;
      // A pipeline's commands come through here too, with the pipeline's own stream.
      const pipelined = (rest[0] as { isPipeline?: boolean } | undefined)?.isPipeline === true;
      const kind =
        (pipelined ? '(pipelined) ' : '') +
        (command.name === 'evalsha' || command.name === 'eval'
          ? `${command.name} ${command.args[1] as string} keys`
          : command.name);
      redis.byKind.set(kind, (redis.byKind.get(kind) ?? 0) + 1);
      return (send as (...a: unknown[]) => unknown).apply(this, [command, ...rest]);
    };
    this.restore.push(() => {
      Redis.prototype.sendCommand = send;
    });

    // A pipeline (BullMQ's addBulk, a MULTI) writes its commands to the socket at once: one flush.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Pipeline = (require('ioredis/built/Pipeline') as { default: { prototype: { exec: unknown } } })
      .default;
    const exec = Pipeline.prototype.exec as (...a: unknown[]) => unknown;
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const counter = this;
    const seen = new WeakSet<object>();
    Pipeline.prototype.exec = function (this: object, ...args: unknown[]) {
      // exec calls itself again once the scripts it needs are loaded: one flush.
      if (seen.has(this)) return exec.apply(this, args);
      seen.add(this);
      counter.pipelines += 1;
      return exec.apply(this, args);
    };
    this.restore.push(() => {
      Pipeline.prototype.exec = exec;
    });
    return this;
  }

  stop(): this {
    for (const undo of this.restore.splice(0)) undo();
    return this;
  }

  /** The tallies as text, most frequent first, each divided by `per` (statements per webhook). */
  report(per: number): string {
    const lines = (t: Tally) =>
      [...t.byKind.entries()]
        .sort((a, b) => b[1] - a[1])
        .map(([k, n]) => `  ${(n / per).toFixed(2).padStart(6)}  ${k}`)
        .join('\n');
    return [
      `SQL statements: ${(this.sql.total / per).toFixed(2)} per item`,
      lines(this.sql),
      `Redis commands: ${(this.redis.total / per).toFixed(2)} per item (pipelines flushed: ${(this.pipelines / per).toFixed(2)})`,
      lines(this.redis),
    ].join('\n');
  }
}
