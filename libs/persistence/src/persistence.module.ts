import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { HUB_CONFIG, type HubConfig } from '@txng/common';
import { AuditService } from './audit/audit.service';
import { dataSourceOptions } from './data-source-options';
import { ENTITIES } from './entities';
import { ApiTokensService } from './tokens/api-tokens.service';

/**
 * TypeORM on PostgreSQL with `synchronize: false`: the schema only ever changes through the
 * migrations that main.ts applies (migrateDatabase) before this module connects.
 */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [HUB_CONFIG],
      useFactory: (config: HubConfig) => ({
        ...dataSourceOptions(config.databaseUrl, { preparedStatements: config.databasePreparedStatements }),
        retryAttempts: 3,
        retryDelay: 1000,
      }),
    }),
    TypeOrmModule.forFeature(ENTITIES),
  ],
  providers: [AuditService, ApiTokensService],
  exports: [TypeOrmModule, AuditService, ApiTokensService],
})
export class PersistenceModule {}
