import { type DynamicModule, type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { ValidationPipe } from '@nestjs/common';
import { ConnectorsModule } from '@txng/connectors';
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
import { PortalModule } from '@txng/portal-client';
import { QueuesModule } from '@txng/queues';
import { OperationsModule, PollBackfillModule, ReconciliationModule, JobsModule } from '@txng/jobs';
import { AlertsController } from './admin/alerts.controller';
import { ActivityController } from './admin/activity.controller';
import { AuditController } from './admin/audit.controller';
import { BulkConflictsController } from './admin/bulk-conflicts.controller';
import { ConflictsController } from './admin/conflicts.controller';
import { OperationsController } from './admin/operations.controller';
import { OverviewController } from './admin/overview.controller';
import { SessionController } from './admin/session.controller';
import { ProvincesController } from './admin/provinces.controller';
import { QueuesController } from './admin/queues.controller';
import { ReconciliationController } from './admin/reconciliation.controller';
import { RecordsController } from './admin/records.controller';
import { ReceiptsController } from './admin/receipts.controller';
import { ReplayController } from './admin/replay.controller';
import { SourceBackfillController } from './admin/source-backfill.controller';
import { SourcesController } from './admin/sources.controller';
import { TokensController } from './admin/tokens.controller';
import { AdminRateLimitGuard } from './auth/admin-rate-limit.guard';
import { TokenAuthGuard } from './auth/token-auth.guard';
import { HealthController } from './health/health.controller';
import { httpErrorOf } from './http/domain-errors';
import { WebhooksController } from './webhooks/webhooks.controller';
import { HttpMetricsMiddleware } from './metrics/http-metrics.middleware';
import { MetricsController } from './metrics/metrics.controller';

export interface GatewayOptions {
  /** Also run every worker in this process (`npm start`). */
  withWorkers: boolean;
  /** Where the built admin UI is (default: dist/admin-ui); tests point it elsewhere. */
  adminUiDir?: string;
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
        PortalModule,
        TerminusModule.forRoot({ errorLogStyle: 'pretty', gracefulShutdownTimeoutMs: 0 }),
        AdminRateLimitGuard.module(),
        ConnectorsModule,
        ReconciliationModule,
        OperationsModule,
        PollBackfillModule,
        ...(options.withWorkers ? [JobsModule] : []),
      ],
      controllers: [
        HealthController,
        MetricsController,
        WebhooksController,
        TokensController,
        AlertsController,
        AuditController,
        SourcesController,
        SourceBackfillController,
        ProvincesController,
        QueuesController,
        RecordsController,
        ConflictsController,
        BulkConflictsController,
        ReceiptsController,
        ReplayController,
        ReconciliationController,
        OperationsController,
        OverviewController,
        ActivityController,
        SessionController,
      ],
      providers: [
        // The domain errors of the libraries get their HTTP status here, and only here.
        { provide: APP_FILTER, useFactory: () => new AllExceptionsFilter(httpErrorOf) },
        // In this order: the rate limit counts per token, so it runs once the token is known.
        { provide: APP_GUARD, useClass: TokenAuthGuard },
        { provide: APP_GUARD, useClass: AdminRateLimitGuard },
        {
          provide: APP_PIPE,
          useValue: new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }),
        },
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes('*path');
  }
}
