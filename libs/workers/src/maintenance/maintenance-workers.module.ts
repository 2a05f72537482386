import { Module } from '@nestjs/common';
import { ConnectorsModule } from '@txng/connectors';
import { MaintenanceProcessor } from './maintenance.processor';
import { MaintenanceSchedulerService } from './maintenance-scheduler.service';

/** Housekeeping on the maintenance queue: the receipt body purge and its schedule. */
@Module({
  imports: [ConnectorsModule],
  providers: [MaintenanceProcessor, MaintenanceSchedulerService],
})
export class MaintenanceWorkersModule {}
