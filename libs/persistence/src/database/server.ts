import { Client } from 'pg';

/**
 * What a development tool (the demo's --reset and its start-up check) does to the PostgreSQL server
 * itself, through its `postgres` database. Only `pg`: the demo imports this one file
 * (`@txng/persistence/database/server`) to keep TypeORM and Nest out of its bundle.
 */

const serverUrl = (databaseUrl: string): string => {
  const url = new URL(databaseUrl);
  url.pathname = '/postgres';
  return url.toString();
};

/** The database a URL names. */
export const databaseNameOf = (databaseUrl: string): string =>
  decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, ''));

/** Answers when the server of `databaseUrl` takes a query; throws its connection error otherwise. */
export async function pingServer(databaseUrl: string, timeoutMs = 5000): Promise<void> {
  const client = new Client({ connectionString: serverUrl(databaseUrl), connectionTimeoutMillis: timeoutMs });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Drops the database `databaseUrl` names, closing its connections (nothing when it does not exist). */
export async function dropDatabase(databaseUrl: string): Promise<void> {
  const name = databaseNameOf(databaseUrl);
  const client = new Client({ connectionString: serverUrl(databaseUrl) });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name.replace(/"/g, '""')}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
