import { Inject, Injectable, Logger } from '@nestjs/common';
import { RECEIPT_STORE, type ReceiptStore } from './receipt-store.port';

export interface PurgeRun {
  /** Bodies purged by this run. */
  purged: number;
  /** Statements it took (each one bounded by the batch size). */
  batches: number;
  /** True when the run stopped at its batch cap with expired bodies left for the next run. */
  more: boolean;
}

/** Batches one run does at most, so that a maintenance job stays short (the next run goes on). */
export const MAX_BATCHES_PER_RUN = 200;

/**
 * Deletes raw receipt bodies past the retention period (docs/pipeline.md, "Retention"), keeping the
 * receipt row, its SHA-256 digest and every record made of it. Only receipts whose processing is
 * finished qualify: status `processed` or `failed` (the outcome recorded) and no record of theirs
 * held back waiting for a check (`held_item`). A receipt locked by the pipeline at that moment is
 * skipped (SKIP LOCKED) and taken by a later run.
 */
@Injectable()
export class ReceiptBodyRetention {
  private readonly logger = new Logger(ReceiptBodyRetention.name);

  constructor(@Inject(RECEIPT_STORE) private readonly receipts: ReceiptStore) {}

  async purgeExpired(
    retentionDays: number,
    batchSize: number,
    maxBatches = MAX_BATCHES_PER_RUN,
  ): Promise<PurgeRun> {
    const retentionSeconds = retentionDays * 86_400;
    let purged = 0;
    let batches = 0;
    for (;;) {
      if (batches >= maxBatches) return this.done({ purged, batches, more: true });
      // One statement per batch, each its own transaction: row locks are held for one batch only.
      const count = await this.receipts.purgeBodies(retentionSeconds, batchSize);
      batches += 1;
      purged += count;
      if (count < batchSize) return this.done({ purged, batches, more: false });
    }
  }

  private done(run: PurgeRun): PurgeRun {
    if (run.purged > 0)
      this.logger.log(`purged ${run.purged} receipt bod${run.purged === 1 ? 'y' : 'ies'} past retention`);
    return run;
  }
}
