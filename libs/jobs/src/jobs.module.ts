import { Module } from '@nestjs/common';
import { ConnectorsModule } from '@txng/connectors';
import { AlertsJobsModule } from './alerts/alerts-jobs.module';
import { CallbacksJobsModule } from './callbacks/callbacks-jobs.module';
import { IngestJobsModule } from './ingest/ingest-jobs.module';
import { MaintenanceJobsModule } from './maintenance/maintenance-jobs.module';
import { PollJobsModule } from './poll/poll-jobs.module';
import { SyncJobsModule } from './sync/sync-jobs.module';

/**
 * Every BullMQ processor of the hub. It lives in a library, not in apps/worker, so that one process
 * can carry both roles (`npm start`) without one app importing another (docs/adr/0001).
 */
@Module({
  imports: [
    ConnectorsModule,
    IngestJobsModule,
    PollJobsModule,
    SyncJobsModule,
    MaintenanceJobsModule,
    CallbacksJobsModule,
    AlertsJobsModule,
  ],
})
export class JobsModule {}
