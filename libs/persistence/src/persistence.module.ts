import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { HUB_CONFIG, type HubConfig } from '@txng/common';
import { dataSourceOptions } from './data-source-options';

/**
 * TypeORM on PostgreSQL with `synchronize: false`: the schema only ever changes through the
 * migrations that main.ts applies (migrateDatabase) before this module connects.
 */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [HUB_CONFIG],
      useFactory: (config: HubConfig) => ({
        ...dataSourceOptions(config.databaseUrl),
        retryAttempts: 3,
        retryDelay: 1000,
      }),
    }),
  ],
})
export class PersistenceModule {}
