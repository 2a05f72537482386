import { type DynamicModule, type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import {
  AllExceptionsFilter,
  HubConfigModule,
  type HubConfig,
  LoggingModule,
  MetricsModule,
  RedisModule,
} from '@txng/common';
import { PersistenceModule } from '@txng/persistence';
import { QueuesModule } from '@txng/queues';
import { WorkersModule } from '@txng/workers';
import { HealthController } from './health/health.controller';
import { HttpMetricsMiddleware } from './metrics/http-metrics.middleware';
import { MetricsController } from './metrics/metrics.controller';

export interface GatewayOptions {
  /** Also run every worker in this process (`npm start`). */
  withWorkers: boolean;
}

@Module({})
export class GatewayModule implements NestModule {
  static forRoot(config: HubConfig, options: GatewayOptions): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        HubConfigModule.forRoot(config),
        LoggingModule.forRoot(config, options.withWorkers ? 'all' : 'gateway'),
        MetricsModule,
        RedisModule,
        PersistenceModule,
        QueuesModule,
        TerminusModule.forRoot({ errorLogStyle: 'pretty', gracefulShutdownTimeoutMs: 0 }),
        ...(options.withWorkers ? [WorkersModule] : []),
      ],
      controllers: [HealthController, MetricsController],
      providers: [{ provide: APP_FILTER, useClass: AllExceptionsFilter }],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes('*path');
  }
}
