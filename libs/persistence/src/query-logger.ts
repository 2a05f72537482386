import { Logger } from '@nestjs/common';
import { type Logger as TypeOrmLogger } from 'typeorm';

/** Longest query text kept in a log line; statements built from JSON arrays can be long. */
const QUERY_TEXT_MAX = 500;

/**
 * TypeORM's own console logger prints a failed query with its parameters, outside the pino
 * redaction: record data, sealed secrets, token hashes. This one logs the error and the statement
 * (cut short) through Nest's logger, which is pino in every process, and only the number of
 * parameters. Successful queries, schema and migration messages are not logged.
 */
export class QueryErrorLogger implements TypeOrmLogger {
  private readonly logger = new Logger('PostgreSQL');

  logQuery(): void {}

  logQueryError(error: string | Error, query: string, parameters?: unknown[]): void {
    const message = error instanceof Error ? error.message : error;
    const text = query.replace(/\s+/g, ' ').trim();
    this.logger.error(
      `query failed: ${message} — ${text.length > QUERY_TEXT_MAX ? `${text.slice(0, QUERY_TEXT_MAX)}…` : text}` +
        ` (${parameters?.length ?? 0} parameters, not logged)`,
    );
  }

  logQuerySlow(time: number, query: string): void {
    this.logger.warn(`slow query (${time} ms): ${query.replace(/\s+/g, ' ').slice(0, QUERY_TEXT_MAX)}`);
  }

  /** Schema and migration chatter stays quiet, as before: migrateDatabase says what it applied. */
  logSchemaBuild(): void {}

  logMigration(): void {}

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.logger.warn(String(message));
  }
}
