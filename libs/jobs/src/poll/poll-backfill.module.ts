import { Module } from '@nestjs/common';
import { ConnectorsModule } from '@txng/connectors';
import { OperationsModule } from '../operations/operations.module';
import { PollBackfillService } from './poll-backfill.service';

/** Poll backfills: asked for by the gateway, done by the poll processor of a worker. */
@Module({
  imports: [ConnectorsModule, OperationsModule],
  providers: [PollBackfillService],
  exports: [PollBackfillService],
})
export class PollBackfillModule {}
