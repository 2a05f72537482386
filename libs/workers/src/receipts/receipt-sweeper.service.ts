import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ReceiptsService } from '@txng/connectors';

const SWEEP_EVERY_MS = 10_000;

/**
 * Queues receipts that were stored but never queued (Redis was down at intake, or the process died
 * between commit and enqueue), and receipts whose held-back records nobody re-checks any more. A timer rather than a BullMQ job on purpose: it must work exactly
 * when Redis did not. Every worker process sweeps; job ids derived from receipt ids keep it to one
 * job per receipt.
 */
@Injectable()
export class ReceiptSweeperService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ReceiptSweeperService.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();

  constructor(private readonly receipts: ReceiptsService) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.tick(), SWEEP_EVERY_MS);
    this.timer.unref();
    this.tick();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private tick(): void {
    this.running = Promise.all([this.receipts.sweep(), this.receipts.sweepHeld()]).catch((error: unknown) => {
      this.logger.warn(`receipt sweep failed: ${(error as Error).message}`);
    });
  }
}
