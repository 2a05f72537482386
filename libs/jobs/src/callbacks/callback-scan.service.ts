import { Inject, Injectable, Logger } from '@nestjs/common';
import { HUB_CONFIG, type HubConfig, PeriodicService, PeriodicTask } from '@txng/common';
import { CallbacksService } from '@txng/connectors';

/**
 * Every worker process looks for new callback events (receipts now at the portal, resolved
 * conflicts) and for deliveries whose job Redis lost, every CALLBACK_SCAN_EVERY_MS. A timer, not a
 * BullMQ job, for the same reason as the receipt sweeper: it must work when Redis forgot. Unique
 * (source, event) rows keep two processes scanning at once to one delivery.
 */
@Injectable()
export class CallbackScanService extends PeriodicService {
  protected readonly task: PeriodicTask;

  constructor(callbacks: CallbacksService, @Inject(HUB_CONFIG) config: HubConfig) {
    super();
    this.task = new PeriodicTask(
      'callback scan',
      config.notify.callbackScanEveryMs,
      () => callbacks.scan(),
      new Logger(CallbackScanService.name),
    );
  }
}
