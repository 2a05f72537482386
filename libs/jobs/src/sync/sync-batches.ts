import { type BatchItem, type ItemOutcome } from '@txng/persistence';
import { type PortalRecord, type PortalTarget } from '@txng/portal-client';
import { type SyncBatchStore } from './sync-batch.port';
import { packClaim } from './sync-batch-packing';
import { type SyncOptions } from './sync.options';

export { type BatchItem, type ItemOutcome } from '@txng/persistence';

/** A batch written to `sync_batch` before it is sent: re-sent as is until it is acknowledged. */
export interface ClaimedBatch {
  id: string;
  provinceCode: string;
  target: PortalTarget;
  idempotencyKey: string;
  attempts: number;
  items: BatchItem[];
  records: PortalRecord[];
}

/**
 * The sync's batches over its store: a claim packed with portal-client's packer, a batch taken
 * over rebuilt exactly as first claimed (same records, same portal numbers, so the portal sees the
 * same body under the same Idempotency-Key), and a batch given up turned into one `failed`
 * outcome per version.
 */
export class SyncBatches {
  constructor(
    private readonly store: SyncBatchStore,
    private readonly options: SyncOptions,
  ) {}

  provincesWithWork(
    targetsWithoutPortal: PortalTarget[] = [],
  ): Promise<Array<{ provinceCode: string; target: PortalTarget }>> {
    return this.store.provincesWithWork(targetsWithoutPortal);
  }

  /**
   * Versions of `testing` sources while no sandbox portal is configured stay `ready`; each gets one
   * history row saying why, the first time it is seen. Returns how many were newly marked.
   */
  markUnsendable(provinceCode: string, target: PortalTarget, reason: string): Promise<number> {
    return this.store.markUnsendable(provinceCode, target, reason);
  }

  /** The next batch of a province and target, or null when nothing is due (or it should linger). */
  async claim(provinceCode: string, target: PortalTarget): Promise<ClaimedBatch | null> {
    const claimed = await this.store.claim(provinceCode, target, (candidates) =>
      packClaim(provinceCode, candidates, this.options.maxRecords, this.options.maxBytes),
    );
    if (!claimed) return null;
    const { id, idempotencyKey, items, records } = claimed;
    return { id, provinceCode, target, idempotencyKey, attempts: 1, items, records };
  }

  /** Due pending batches whose lease ran out, leased to this worker and rebuilt as first claimed. */
  async takeDue(provinceCode: string, target: PortalTarget, limit: number): Promise<ClaimedBatch[]> {
    const due = await this.store.takeDue(provinceCode, target, limit);
    return due.map((b) => ({
      id: b.id,
      provinceCode,
      target,
      idempotencyKey: b.idempotencyKey,
      attempts: b.attempts,
      items: b.items,
      records: b.items.map((i) => ({
        kind: i.kind,
        key: i.key,
        version: i.portalVersion,
        data: b.dataOf.get(String(i.id)),
      })),
    }));
  }

  /**
   * Writes the portal's answers and closes the batch. A batch that is no longer pending (another
   * worker acknowledged the same replay) is left alone: false.
   */
  acknowledge(
    batch: ClaimedBatch,
    outcomes: ItemOutcome[],
    result: { portalBatchIds: string[]; replayed: boolean; summary: Record<string, number> },
  ): Promise<boolean> {
    return this.store.acknowledge(batch, outcomes, result);
  }

  /** The heartbeat of batches being worked (see SyncService.whileLeased). */
  renewLeases(batchIds: string[]): Promise<number> {
    return this.store.renewLeases(batchIds);
  }

  /** A retryable failure: the batch stays claimed, its records `ready`, and is re-sent after `delayMs`. */
  defer(
    batchId: string,
    delayMs: number,
    error: Record<string, unknown>,
    countAttempt: boolean,
  ): Promise<void> {
    return this.store.defer(batchId, delayMs, error, countAttempt);
  }

  /** A permanent failure: every version of the batch becomes `failed` with the reason (replayable). */
  fail(batch: ClaimedBatch, error: { code: string; message: string }): Promise<boolean> {
    const outcomes: ItemOutcome[] = batch.items.map((i) => ({
      id: i.id,
      kind: i.kind,
      key: i.key,
      status: 'failed',
      reason: `sync: batch ${batch.id} could not be sent (${error.code}): ${error.message}`,
      error: { ...error, batchId: batch.id },
    }));
    return this.store.fail(batch, outcomes, error);
  }

  /** Counts for metrics: ready versions (claimed or not) and pending batches. */
  backlog(): Promise<{ ready: number; pendingBatches: number }> {
    return this.store.backlog();
  }
}
