import { Module } from '@nestjs/common';
import {
  HUB_CONFIG,
  type HubConfig,
  MetricsModule,
  OutboundGuard,
  outboundGuardFor,
  SecretBox,
} from '@txng/common';
import { IngestMetrics } from './ingest-metrics';
import { PollRunner } from './poll/poll-runner';
import { ReceiptBodyRetention } from './receipts/receipt-body-retention';
import { ReceiptsService } from './receipts/receipts.service';
import { AddressConcurrencyLimiter } from './rate-limit/address-concurrency-limiter';
import { SourceRateLimiter } from './rate-limit/source-rate-limiter';
import { SECRET_BOX, SourcesService } from './sources/sources.service';
import { WebhookIntakeService } from './webhook/webhook-intake.service';

const SERVICES = [
  SourcesService,
  ReceiptsService,
  ReceiptBodyRetention,
  SourceRateLimiter,
  AddressConcurrencyLimiter,
  WebhookIntakeService,
  PollRunner,
  IngestMetrics,
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
    ...SERVICES,
  ],
  exports: [SECRET_BOX, OutboundGuard, ...SERVICES],
})
export class ConnectorsModule {}
