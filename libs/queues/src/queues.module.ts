import { BullModule } from '@nestjs/bullmq';
import { Global, Module } from '@nestjs/common';
import { HUB_CONFIG, type HubConfig } from '@txng/common';
import { QUEUE_JOB_OPTIONS } from './job-options';
import { ALL_QUEUES } from './queue-names';
import { QueueStatsService } from './queue-stats.service';
import { redisConnectionOptions } from './redis-connection';

/** BullMQ on REDIS_URL, every queue registered with its options, keys under REDIS_PREFIX. */
@Global()
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [HUB_CONFIG],
      useFactory: (config: HubConfig) => ({
        connection: redisConnectionOptions(config.redisUrl),
        prefix: `${config.redisPrefix}:bull`,
      }),
    }),
    BullModule.registerQueue(
      ...ALL_QUEUES.map((name) => ({ name, defaultJobOptions: QUEUE_JOB_OPTIONS[name] })),
    ),
  ],
  providers: [QueueStatsService],
  exports: [BullModule, QueueStatsService],
})
export class QueuesModule {}
