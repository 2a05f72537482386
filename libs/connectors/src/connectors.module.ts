import { Module } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import {
  AuditService,
  PgCallbackStore,
  PgReceiptRepository,
  PgSourceAdminRepository,
  PgSourceRepository,
} from '@txng/persistence';
import { type DataSource } from 'typeorm';
import {
  HUB_CONFIG,
  type HubConfig,
  MetricsModule,
  OutboundGuard,
  outboundGuardFor,
  SecretBox,
} from '@txng/common';
import { CALLBACK_STORE, RECEIPT_READER } from './callbacks/callback-store.port';
import { CallbacksService } from './callbacks/callbacks.service';
import { receiptReaderFor } from './callbacks/receipt-reader';
import { IngestMetrics } from './ingest-metrics';
import { PollBackfill } from './poll/poll-backfill';
import { PollRunner } from './poll/poll-runner';
import { ReceiptBatcher } from './receipts/receipt-batcher';
import { ReceiptBodyRetention } from './receipts/receipt-body-retention';
import { RECEIPT_STORE, type ReceiptStore } from './receipts/receipt-store.port';
import { ReceiptsService } from './receipts/receipts.service';
import { SOURCE_ADMIN_STORE, type SourceAdminStore } from './sources/source-admin-store.port';
import { SOURCE_STORE, type SourceStore } from './sources/source-store.port';
import { AddressConcurrencyLimiter } from './rate-limit/address-concurrency-limiter';
import { SourceRateLimiter } from './rate-limit/source-rate-limiter';
import { SourceCache } from './sources/source-cache';
import { SECRET_BOX, SourcesService } from './sources/sources.service';
import { WebhookIntakeService } from './webhook/webhook-intake.service';

const SERVICES = [
  SourceCache,
  SourcesService,
  ReceiptsService,
  ReceiptBatcher,
  ReceiptBodyRetention,
  SourceRateLimiter,
  AddressConcurrencyLimiter,
  WebhookIntakeService,
  PollRunner,
  PollBackfill,
  IngestMetrics,
  CallbacksService,
];

/**
 * Sources, receipts and intake: what both the gateway and the workers need of connectors. It
 * imports MetricsModule itself (one registry per process either way) so a process without the
 * metrics endpoint, such as the CLI, still has a registry for IngestMetrics.
 */
@Module({
  imports: [MetricsModule],
  providers: [
    {
      provide: SECRET_BOX,
      inject: [HUB_CONFIG],
      useFactory: (config: HubConfig) => new SecretBox(config.secretKey),
    },
    // One guard (and one pair of agents) per process for every request to a province's URL.
    {
      provide: OutboundGuard,
      inject: [HUB_CONFIG],
      useFactory: (config: HubConfig) => outboundGuardFor(config),
    },
    // The stores of receipts and sources: libs/persistence implements the ports declared here.
    {
      provide: RECEIPT_STORE,
      inject: [getDataSourceToken()],
      useFactory: (dataSource: DataSource): ReceiptStore => new PgReceiptRepository(dataSource),
    },
    {
      provide: SOURCE_STORE,
      inject: [getDataSourceToken()],
      useFactory: (dataSource: DataSource): SourceStore =>
        new PgSourceRepository(dataSource, new PgReceiptRepository(dataSource)),
    },
    {
      provide: SOURCE_ADMIN_STORE,
      inject: [getDataSourceToken(), AuditService],
      useFactory: (dataSource: DataSource, audit: AuditService): SourceAdminStore =>
        new PgSourceAdminRepository(dataSource, audit),
    },
    {
      provide: CALLBACK_STORE,
      inject: [getDataSourceToken()],
      useFactory: (dataSource: DataSource) => new PgCallbackStore(dataSource),
    },
    {
      provide: RECEIPT_READER,
      inject: [getDataSourceToken()],
      useFactory: (dataSource: DataSource) => receiptReaderFor(dataSource),
    },
    ...SERVICES,
  ],
  exports: [SECRET_BOX, OutboundGuard, RECEIPT_STORE, SOURCE_STORE, ...SERVICES],
})
export class ConnectorsModule {}
