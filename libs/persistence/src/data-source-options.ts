import { type DataSourceOptions } from 'typeorm';
import { PLAN_LIFETIME_S, PreparingClient } from './database/prepared-statements';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';
import { QueryErrorLogger } from './query-logger';

/**
 * The one description of how the hub talks to PostgreSQL; Nest's module and the migrator share it.
 * `preparedStatements`: the hot statements marked with `prepared()` go out as named statements
 * (DATABASE_PREPARED_STATEMENTS, on by default in the hub's processes; off for the migrator), on
 * connections renewed every `planLifetimeS` (PLAN_LIFETIME_S; a spec shortens it) so that the plans
 * PostgreSQL keeps for them follow the tables' growth.
 */
export function dataSourceOptions(
  databaseUrl: string,
  options: { preparedStatements?: boolean; planLifetimeS?: number } = {},
): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
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
      ...(options.preparedStatements
        ? { Client: PreparingClient, maxLifetimeSeconds: options.planLifetimeS ?? PLAN_LIFETIME_S }
        : {}),
    },
  };
}
