import { Inject, Injectable, Logger } from '@nestjs/common';
import { type NewReceipt, type StoredReceipt } from '@txng/persistence';
import { RECEIPT_STORE, type ReceiptStore } from './receipt-store.port';
import { ReceiptsService } from './receipts.service';

/** How a ReceiptBatcher gathers (docs/ingest.md, "Group commit"). */
export interface BatchLimits {
  /** Receipts in one statement at most. */
  maxRows: number;
  /** Bytes of bodies in one statement at most (a larger body goes alone). */
  maxBytes: number;
  /** Statements under way at once; receipts arriving meanwhile wait and go together. */
  maxInFlight: number;
}

export const DEFAULT_BATCH_LIMITS: BatchLimits = { maxRows: 64, maxBytes: 8 * 1048576, maxInFlight: 1 };

interface Waiting {
  input: NewReceipt;
  resolve(stored: StoredReceipt): void;
  reject(error: unknown): void;
}

/**
 * The gateway's group commit (docs/ingest.md): webhooks' receipts stored together, one `INSERT`
 * for all those waiting, and their jobs queued together, one Redis round trip (then one `UPDATE`
 * marks them queued). A receipt is answered only once the statement that stored it has committed
 * (and its queueing was tried, as before: a receipt not queued is queued by the sweeper). Nothing
 * waits for company: when no statement is under way, the first receipt goes at the next turn of
 * the event loop; receipts arriving while `maxInFlight` statements are under way gather and go
 * together when one ends (the queueing after a statement does not hold its slot), at most `maxRows`
 * (and `maxBytes`) a statement. Should a statement fail, each of
 * its receipts is stored again alone, so an error reaches only the receipts it belongs to.
 */
@Injectable()
export class ReceiptBatcher {
  private readonly logger = new Logger(ReceiptBatcher.name);
  private waiting: Waiting[] = [];
  private waitingBytes = 0;
  private inFlight = 0;
  private scheduled = false;
  limits: BatchLimits = DEFAULT_BATCH_LIMITS;

  constructor(
    @Inject(RECEIPT_STORE) private readonly receiptStore: ReceiptStore,
    private readonly receipts: ReceiptsService,
  ) {}

  /** Stores a webhook's receipt (or answers the first receipt of its webhook-id) and queues it. */
  store(input: NewReceipt): Promise<StoredReceipt> {
    return new Promise<StoredReceipt>((resolve, reject) => {
      this.waiting.push({ input, resolve, reject });
      this.waitingBytes += input.body.length;
      if (this.waiting.length >= this.limits.maxRows || this.waitingBytes >= this.limits.maxBytes)
        this.flush();
      else this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.limits.maxInFlight) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  /** Takes the waiting receipts up to the limits, if a slot is free, and stores them. */
  private flush(): void {
    if (this.inFlight >= this.limits.maxInFlight || this.waiting.length === 0) return;
    const batch: Waiting[] = [];
    let bytes = 0;
    while (this.waiting.length > 0 && batch.length < this.limits.maxRows) {
      const size = this.waiting[0].input.body.length;
      if (batch.length > 0 && bytes + size > this.limits.maxBytes) break;
      batch.push(this.waiting.shift()!);
      bytes += size;
    }
    this.waitingBytes -= bytes;
    this.inFlight += 1;
    let released = false;
    // The slot is the statement's: the queueing after it overlaps the next statement.
    const release = () => {
      if (released) return;
      released = true;
      this.inFlight -= 1;
      if (this.waiting.length >= this.limits.maxRows) this.flush();
      else if (this.waiting.length > 0) this.schedule();
    };
    void this.run(batch, release)
      // Whatever went wrong, nobody waits for ever (a receipt answered already stays answered).
      .catch((error: unknown) => batch.forEach((w) => w.reject(error)))
      .finally(release);
  }

  private async run(batch: Waiting[], release: () => void): Promise<void> {
    let stored: Array<StoredReceipt | { error: unknown }>;
    try {
      stored = await this.receiptStore.storeWebhooks(batch.map((w) => w.input));
    } catch (error) {
      if (batch.length === 1) {
        batch[0].reject(error);
        return;
      }
      // One bad row fails the statement: each is stored alone, so each gets its own answer.
      this.logger.warn(
        `${batch.length} receipts not stored together (${(error as Error).message}); one by one`,
      );
      stored = await Promise.all(
        batch.map((w) =>
          this.receiptStore.storeWebhooks([w.input]).then(
            ([one]) => one,
            (e: unknown) => ({ error: e }),
          ),
        ),
      );
    }
    release();
    const fresh = stored.flatMap((s) => ('receiptId' in s && !s.replay ? [s.receiptId] : []));
    await this.receipts.enqueueMany(fresh);
    batch.forEach((w, i) => {
      const s = stored[i];
      if ('error' in s) w.reject(s.error);
      else w.resolve(s);
    });
  }
}
