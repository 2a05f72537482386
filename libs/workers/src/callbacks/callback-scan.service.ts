import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { HUB_CONFIG, type HubConfig } from '@txng/common';
import { CallbacksService } from '@txng/connectors';

/**
 * Every worker process looks for new callback events (receipts now at the portal, resolved
 * conflicts) and for deliveries whose job Redis lost, every CALLBACK_SCAN_EVERY_MS. A timer, not a
 * BullMQ job, for the same reason as the receipt sweeper: it must work when Redis forgot. Unique
 * (source, event) rows keep two processes scanning at once to one delivery.
 */
@Injectable()
export class CallbackScanService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CallbackScanService.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | null = null;

  constructor(
    private readonly callbacks: CallbacksService,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.tick(), this.config.notify.callbackScanEveryMs);
    this.timer.unref();
    this.tick();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private tick(): void {
    if (this.running) return;
    this.running = this.callbacks
      .scan()
      .catch((error: unknown) => this.logger.warn(`callback scan failed: ${(error as Error).message}`))
      .finally(() => (this.running = null));
  }
}
