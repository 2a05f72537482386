import { type DynamicModule, Module } from '@nestjs/common';
import { HubConfigModule, type HubConfig, RedisModule } from '@txng/common';
import { ConnectorsModule } from '@txng/connectors';
import { PersistenceModule } from '@txng/persistence';
import { QueuesModule } from '@txng/queues';

/** What the command line needs: the same services the operator API uses, without HTTP. */
@Module({})
export class CliModule {
  static forRoot(config: HubConfig): DynamicModule {
    return {
      module: CliModule,
      imports: [
        HubConfigModule.forRoot(config),
        RedisModule,
        PersistenceModule,
        QueuesModule,
        ConnectorsModule,
      ],
    };
  }
}
