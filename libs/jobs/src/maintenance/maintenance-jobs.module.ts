import { Module } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { ConnectorsModule } from '@txng/connectors';
import { PgActivityStore, PgReplayRepository } from '@txng/persistence';
import { type DataSource } from 'typeorm';
import { ACTIVITY_ROLLUP, type ActivityRollupPort } from './activity-rollup.port';
import { ActivityRollupService } from './activity-rollup.service';
import { OperationsModule } from '../operations/operations.module';
import { ReconciliationModule } from '../reconcile/reconciliation.module';
import { MaintenanceProcessor } from './maintenance.processor';
import { MaintenanceSchedulerService } from './maintenance-scheduler.service';
import { LostOperationRecovery, REPLAY_RUN_STORE, type ReplayRunStore } from './lost-operation-recovery';

/**
 * Housekeeping on the maintenance queue, as jobs of its one processor: the receipt sweep, operations
 * whose job was lost put back, the receipt body purge, replay runs, bulk decisions, replays of chosen
 * receipts, operators' reconciliations, the charts' roll-up; and their schedules.
 */
@Module({
  imports: [ConnectorsModule, OperationsModule, ReconciliationModule],
  providers: [
    {
      provide: REPLAY_RUN_STORE,
      inject: [getDataSourceToken()],
      useFactory: (dataSource: DataSource): ReplayRunStore => new PgReplayRepository(dataSource),
    },
    {
      provide: ACTIVITY_ROLLUP,
      inject: [getDataSourceToken()],
      useFactory: (dataSource: DataSource): ActivityRollupPort => new PgActivityStore(dataSource),
    },
    LostOperationRecovery,
    ActivityRollupService,
    MaintenanceProcessor,
    MaintenanceSchedulerService,
  ],
})
export class MaintenanceJobsModule {}
