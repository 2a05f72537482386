import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { redactUrl } from '@txng/common';
import { dataSourceOptions } from './data-source-options';
import { MIGRATIONS } from './migrations';

/** Any constant works; it only has to be the same in every hub process. */
const MIGRATION_LOCK_ID = 7_104_202_402;

export class DatabaseStartupError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'DatabaseStartupError';
  }
}

export interface MigrationReport {
  createdDatabase: boolean;
  applied: string[];
}

/**
 * Brings the database to this build's schema: creates the database when it does not exist yet,
 * refuses a schema newer than this build, and applies pending migrations under an advisory lock so
 * that several processes starting together migrate once.
 */
export async function migrateDatabase(databaseUrl: string): Promise<MigrationReport> {
  const createdDatabase = await ensureDatabaseExists(databaseUrl);
  const dataSource = new DataSource(dataSourceOptions(databaseUrl));
  await dataSource.initialize();
  const lock = dataSource.createQueryRunner();
  try {
    await lock.connect();
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    await assertSchemaNotNewer(dataSource);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return { createdDatabase, applied: applied.map((m) => m.name) };
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]).catch(() => undefined);
    await lock.release();
    await dataSource.destroy();
  }
}

/** Reverts the latest migration (operators' escape hatch; `npm run migrate -- down`). */
export async function revertLastMigration(databaseUrl: string): Promise<string | null> {
  const dataSource = new DataSource(dataSourceOptions(databaseUrl));
  await dataSource.initialize();
  try {
    const before: Array<{ name: string }> = await dataSource.query(
      'SELECT name FROM schema_migrations ORDER BY timestamp DESC LIMIT 1',
    );
    await dataSource.undoLastMigration({ transaction: 'each' });
    return before[0]?.name ?? null;
  } finally {
    await dataSource.destroy();
  }
}

async function assertSchemaNotNewer(dataSource: DataSource): Promise<void> {
  const exists: Array<{ t: string | null }> = await dataSource.query(
    `SELECT to_regclass('public.schema_migrations') AS t`,
  );
  if (!exists[0]?.t) return;
  const rows: Array<{ name: string }> = await dataSource.query('SELECT name FROM schema_migrations');
  const known = new Set(MIGRATIONS.map((m) => m.name));
  const unknown = rows.map((r) => r.name).filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new DatabaseStartupError(
      `The database schema is newer than this build of txng-hub: it has migration(s) ${unknown.join(', ')} ` +
        'that this build does not know. Refusing to start; run the newer build (or restore a matching backup).',
    );
  }
}

async function ensureDatabaseExists(databaseUrl: string): Promise<boolean> {
  const client = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    return false;
  } catch (error) {
    if ((error as { code?: string }).code !== '3D000') throw connectionError(databaseUrl, error);
  } finally {
    await client.end().catch(() => undefined);
  }
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  url.pathname = '/postgres';
  const admin = new Client({ connectionString: url.toString(), connectionTimeoutMillis: 5000 });
  try {
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === '42P04') return false; // another process created it
    throw new DatabaseStartupError(
      `Database "${name}" named by DATABASE_URL does not exist and could not be created: ${(error as Error).message}`,
      error,
    );
  } finally {
    await admin.end().catch(() => undefined);
  }
}

function connectionError(databaseUrl: string, error: unknown): DatabaseStartupError {
  const reason = (error as Error).message || (error as { code?: string }).code || String(error);
  return new DatabaseStartupError(
    `Cannot connect to PostgreSQL at DATABASE_URL=${redactUrl(databaseUrl)}: ${reason}. ` +
      'Check that PostgreSQL is running and that the URL, user and password are right.',
    error,
  );
}
