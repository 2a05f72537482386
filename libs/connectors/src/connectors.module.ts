import { Module } from '@nestjs/common';
import { HUB_CONFIG, type HubConfig, SecretBox } from '@txng/common';
import { PollRunner } from './poll/poll-runner';
import { ReceiptsService } from './receipts/receipts.service';
import { SourceRateLimiter } from './rate-limit/source-rate-limiter';
import { SECRET_BOX, SourcesService } from './sources/sources.service';
import { WebhookIntakeService } from './webhook/webhook-intake.service';

/** Sources, receipts and intake: what both the gateway and the workers need of connectors. */
@Module({
  providers: [
    {
      provide: SECRET_BOX,
      inject: [HUB_CONFIG],
      useFactory: (config: HubConfig) => new SecretBox(config.secretKey),
    },
    SourcesService,
    ReceiptsService,
    SourceRateLimiter,
    WebhookIntakeService,
    PollRunner,
  ],
  exports: [SECRET_BOX, SourcesService, ReceiptsService, SourceRateLimiter, WebhookIntakeService, PollRunner],
})
export class ConnectorsModule {}
