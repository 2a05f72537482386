import { Module } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { PgAlertStore, PgCallbackStore } from '@txng/persistence';
import { type DataSource } from 'typeorm';
import { ALERT_STORE, AlertCheckService, FAILING_CALLBACKS } from './alert-check.service';

/** The alert check every worker runs (docs/operations.md, "Alerts"). */
@Module({
  providers: [
    {
      provide: ALERT_STORE,
      inject: [getDataSourceToken()],
      useFactory: (ds: DataSource) => new PgAlertStore(ds),
    },
    {
      provide: FAILING_CALLBACKS,
      inject: [getDataSourceToken()],
      useFactory: (ds: DataSource) => new PgCallbackStore(ds),
    },
    AlertCheckService,
  ],
  exports: [AlertCheckService],
})
export class AlertsJobsModule {}
