import { Module } from '@nestjs/common';
import { ConnectorsModule } from '@txng/connectors';
import { AlertsWorkersModule } from './alerts/alerts-workers.module';
import { CallbacksWorkersModule } from './callbacks/callbacks-workers.module';
import { IngestWorkersModule } from './ingest/ingest-workers.module';
import { MaintenanceWorkersModule } from './maintenance/maintenance-workers.module';
import { PollWorkersModule } from './poll/poll-workers.module';
import { SyncWorkersModule } from './sync/sync-workers.module';

/**
 * Every BullMQ processor of the hub. It lives in a library, not in apps/worker, so that one process
 * can carry both roles (`npm start`) without one app importing another (docs/adr/0001).
 */
@Module({
  imports: [
    ConnectorsModule,
    IngestWorkersModule,
    PollWorkersModule,
    SyncWorkersModule,
    MaintenanceWorkersModule,
    CallbacksWorkersModule,
    AlertsWorkersModule,
  ],
})
export class WorkersModule {}
