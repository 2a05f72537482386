import { Module } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { PgOperationRepository } from '@txng/persistence';
import { type DataSource } from 'typeorm';
import { OPERATION_STORE, type OperationStore } from './operation-store.port';
import { BulkConflictResolve } from './bulk-conflict-resolve.service';
import { OperationJobs } from './operation-jobs';
import { OperationStarter } from './operation-starter';
import { OperationsService } from './operations.service';
import { ReceiptReplay } from './receipt-replay.service';

/**
 * The operations' service, how they start and where their jobs go (OperationStarter,
 * OperationJobs), the bulk decisions and the replay of chosen receipts (no processor), for the
 * gateway's API and for the processors that do the long work.
 */
@Module({
  providers: [
    {
      provide: OPERATION_STORE,
      inject: [getDataSourceToken()],
      useFactory: (dataSource: DataSource): OperationStore => new PgOperationRepository(dataSource),
    },
    OperationsService,
    OperationJobs,
    OperationStarter,
    BulkConflictResolve,
    ReceiptReplay,
  ],
  exports: [OperationsService, OperationJobs, OperationStarter, BulkConflictResolve, ReceiptReplay],
})
export class OperationsModule {}
