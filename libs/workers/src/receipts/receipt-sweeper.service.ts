import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ReceiptsService } from '@txng/connectors';

const SWEEP_EVERY_MS = 10_000;

/**
 * Keeps every acknowledged receipt on its way while Redis forgets (docs/pipeline.md, "What is
 * rebuilt from PostgreSQL"): queues receipts that were stored but never queued (Redis was down at
 * intake, or the process died between commit and enqueue), queues again receipts not processed
 * whose ingest job is gone or failed (Redis lost its data, a worker died twice in the same job),
 * and receipts whose held-back records nobody re-checks any more. A timer rather than a BullMQ job
 * on purpose: it must work exactly when Redis did not. Every worker process sweeps; job ids derived
 * from receipt ids keep it to one job per receipt.
 */
@Injectable()
export class ReceiptSweeperService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ReceiptSweeperService.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | null = null;

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
    // A sweep slower than the interval (Redis or PostgreSQL unreachable) is not doubled up.
    if (this.running) return;
    this.running = Promise.all([
      this.receipts.sweep(),
      this.receipts.requeueLost(),
      this.receipts.sweepHeld(),
    ])
      .catch((error: unknown) => {
        this.logger.warn(`receipt sweep failed: ${(error as Error).message}`);
      })
      .finally(() => (this.running = null));
  }
}
