import { Module } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { ConnectorsModule } from '@txng/connectors';
import { PgReplayRunRepository } from '@txng/persistence';
import { type DataSource } from 'typeorm';
import { MaintenanceProcessor } from './maintenance.processor';
import { MaintenanceSchedulerService } from './maintenance-scheduler.service';
import { REPLAY_RUN_STORE, ReplayRunRecovery, type ReplayRunStore } from './replay-run-recovery';

/**
 * Housekeeping on the maintenance queue, as jobs of its one processor: the receipt sweep, replay
 * runs put back after a Redis loss, the receipt body purge, replay runs; and their schedules.
 */
@Module({
  imports: [ConnectorsModule],
  providers: [
    {
      provide: REPLAY_RUN_STORE,
      inject: [getDataSourceToken()],
      useFactory: (dataSource: DataSource): ReplayRunStore => new PgReplayRunRepository(dataSource),
    },
    ReplayRunRecovery,
    MaintenanceProcessor,
    MaintenanceSchedulerService,
  ],
})
export class MaintenanceWorkersModule {}
