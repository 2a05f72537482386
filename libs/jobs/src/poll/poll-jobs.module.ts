import { Module } from '@nestjs/common';
import { ConnectorsModule } from '@txng/connectors';
import { PollBackfillModule } from './poll-backfill.module';
import { PollProcessor } from './poll.processor';
import { PollSchedulerService } from './poll-scheduler.service';

/** Polling of provincial APIs: the schedules per source and the processor that runs each poll and backfill. */
@Module({
  imports: [ConnectorsModule, PollBackfillModule],
  providers: [PollProcessor, PollSchedulerService],
  exports: [PollSchedulerService],
})
export class PollJobsModule {}
