import { Module } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { ConnectorsModule } from '@txng/connectors';
import { PgPipelineStore, PipelineService } from '@txng/pipeline';
import { type DataSource } from 'typeorm';
import { IngestProcessor } from './ingest.processor';

/** The ingest queue's processor and the pipeline it drives, on the hub's PostgreSQL. */
@Module({
  imports: [ConnectorsModule],
  providers: [
    {
      provide: PipelineService,
      inject: [getDataSourceToken()],
      useFactory: (dataSource: DataSource) => new PipelineService(new PgPipelineStore(dataSource)),
    },
    IngestProcessor,
  ],
  exports: [PipelineService],
})
export class IngestWorkersModule {}
