import { HUB_CONFIG, type HubConfig } from '@txng/common';
import { Module } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { PgReconciliationRepository } from '@txng/persistence';
import { type DataSource } from 'typeorm';
import { OperationsModule } from '../operations/operations.module';
import { SYNC_OPTIONS } from '../sync/sync.options';
import { RECONCILIATION_STORE, type ReconciliationStore } from './reconciliation.port';
import { ReconciliationOperations } from './reconciliation-operation.service';
import { ReconciliationService } from './reconciliation.service';

/**
 * The reconciliation services (no processors), for the gateway's operator API; the worker side
 * imports it through SyncJobsModule (scheduled runs) and MaintenanceJobsModule (operators' runs).
 */
@Module({
  imports: [OperationsModule],
  providers: [
    { provide: SYNC_OPTIONS, inject: [HUB_CONFIG], useFactory: (config: HubConfig) => config.sync },
    {
      provide: RECONCILIATION_STORE,
      inject: [getDataSourceToken()],
      useFactory: (dataSource: DataSource): ReconciliationStore => new PgReconciliationRepository(dataSource),
    },
    ReconciliationService,
    ReconciliationOperations,
  ],
  exports: [ReconciliationService, ReconciliationOperations, OperationsModule],
})
export class ReconciliationModule {}
