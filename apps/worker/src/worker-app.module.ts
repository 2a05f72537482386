import { type DynamicModule, Module } from '@nestjs/common';
import { HubConfigModule, type HubConfig, LoggingModule, MetricsModule, RedisModule } from '@txng/common';
import { PersistenceModule } from '@txng/persistence';
import { PortalModule } from '@txng/portal-client';
import { QueuesModule } from '@txng/queues';
import { JobsModule } from '@txng/jobs';

@Module({})
export class WorkerAppModule {
  static forRoot(config: HubConfig): DynamicModule {
    return {
      module: WorkerAppModule,
      imports: [
        HubConfigModule.forRoot(config),
        LoggingModule.forRoot(config, 'worker'),
        MetricsModule,
        RedisModule,
        PersistenceModule,
        QueuesModule,
        PortalModule,
        JobsModule,
      ],
    };
  }
}
