import { type DataSourceOptions } from 'typeorm';
import { CUSTOM_PLANS, PreparingClient } from './database/prepared-statements';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';
import { QueryErrorLogger } from './query-logger';

/**
 * The one description of how the hub talks to PostgreSQL; Nest's module and the migrator share it.
 * `preparedStatements`: the hot statements marked with `prepared()` go out as named statements
 * (DATABASE_PREPARED_STATEMENTS, on by default in the hub's processes; off for the migrator), on
 * connections that plan every execution afresh (CUSTOM_PLANS).
 */
export function dataSourceOptions(
  databaseUrl: string,
  options: { preparedStatements?: boolean } = {},
): DataSourceOptions {
  return {
    type: 'postgres',
    url: options.preparedStatements ? withStartupOptions(databaseUrl, CUSTOM_PLANS) : databaseUrl,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    migrationsRun: false,
    logging: ['error', 'warn'],
    logger: new QueryErrorLogger(),
    extra: {
      max: 10,
      connectionTimeoutMillis: 5000,
      ...(options.preparedStatements ? { Client: PreparingClient, options: CUSTOM_PLANS } : {}),
    },
  };
}

/**
 * `databaseUrl` with `hubOptions` put before the start-up options its own `options` parameter
 * names. pg reads the URL after the pool's settings, so a URL's `options` would otherwise replace
 * the hub's (`extra.options`) and silently bring back the stale plans CUSTOM_PLANS prevents.
 * Placed first, the hub's settings are the defaults and a `-c` of the same name in the URL still
 * wins (PostgreSQL applies them in order). A URL without `options`, or one that is not a URL (a
 * socket path), is returned as it is: `extra.options` then applies.
 */
export function withStartupOptions(databaseUrl: string, hubOptions: string): string {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    return databaseUrl;
  }
  const own = url.searchParams.get('options');
  if (own === null || own.trim() === '') return databaseUrl;
  url.searchParams.set('options', `${hubOptions} ${own.trim()}`);
  return url.toString();
}
