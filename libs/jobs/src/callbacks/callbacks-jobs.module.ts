import { Module } from '@nestjs/common';
import { ConnectorsModule } from '@txng/connectors';
import { CallbackProcessor } from './callback.processor';
import { CallbackScanService } from './callback-scan.service';

/** Signed callbacks to provinces: one job per attempt, and the scan that finds events and lost jobs. */
@Module({
  imports: [ConnectorsModule],
  providers: [CallbackProcessor, CallbackScanService],
})
export class CallbacksJobsModule {}
