import { HUB_CONFIG, type HubConfig } from '@txng/common';
import { Module } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { PgSyncBatchRepository } from '@txng/persistence';
import { type DataSource } from 'typeorm';
import { SYNC_BATCH_STORE, type SyncBatchStore } from './sync-batch.port';
import { ReconcileProcessor } from '../reconcile/reconcile.processor';
import { ReconciliationModule } from '../reconcile/reconciliation.module';
import { SyncProcessor } from './sync.processor';
import { SyncSchedulerService } from './sync-scheduler.service';
import { SyncService } from './sync.service';
import { SYNC_OPTIONS, type SyncOptions } from './sync.options';

/** Portal sync and scheduled reconciliation: processors, their schedulers and services (docs/sync.md). */
@Module({
  imports: [ReconciliationModule],
  providers: [
    { provide: SYNC_OPTIONS, inject: [HUB_CONFIG], useFactory: (config: HubConfig) => config.sync },
    {
      provide: SYNC_BATCH_STORE,
      inject: [getDataSourceToken(), SYNC_OPTIONS],
      useFactory: (dataSource: DataSource, options: SyncOptions): SyncBatchStore =>
        new PgSyncBatchRepository(dataSource, options),
    },
    SyncService,
    SyncProcessor,
    SyncSchedulerService,
    ReconcileProcessor,
  ],
  exports: [SyncService],
})
export class SyncJobsModule {}
