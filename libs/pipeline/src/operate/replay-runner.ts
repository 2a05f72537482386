import {
  type ReplayKey,
  type ReplayProgress,
  type ReplayStore,
  type StartedReplayRun,
} from './replay-store.port';

/** Puts a run's receipts on the ingest queue, one job each (idempotent per run and receipt). */
export type ReplayEnqueue = (
  run: { runId: string; status: 'quarantined' | 'rejected'; kind: string | null },
  receiptIds: string[],
) => Promise<void>;

/** Records taken per batch: one short transaction (failed) or one bulk enqueue (the others). */
export const REPLAY_BATCH = 500;

const NOTHING: ReplayProgress = { receiptsQueued: 0, versionsRequeued: 0, outdatedKept: 0 };

/**
 * Does a replay run that ReplayPlanner stored (docs/pipeline.md, "Replay"), in bounded batches,
 * writing its progress to `replay_run` after each: `failed` versions go back to `ready` per batch of
 * keys, under the keys' row locks in the pipeline's order; `quarantined` and `rejected` are
 * re-judged by the ingest worker, one job per originating receipt, enqueued batch by batch in the
 * order the receipts first arrived (so versions keep their order) — receipts whose body was purged
 * are skipped (they were counted as expired when the run was asked for).
 */
export class ReplayRunner {
  constructor(
    private readonly store: ReplayStore,
    private readonly enqueue: ReplayEnqueue,
    private readonly batchSize = REPLAY_BATCH,
  ) {}

  /** Runs `runId` to the end; a run already done answers its recorded progress. */
  async run(
    runId: string,
    onBatch: (p: ReplayProgress) => Promise<void> = async () => {},
  ): Promise<ReplayProgress> {
    const run = await this.store.start(runId);
    if (!run) return this.progress(runId);
    try {
      if (run.status === 'failed') await this.requeueFailed(run, onBatch);
      else await this.queueReceipts(run, run.status, onBatch);
    } catch (error) {
      await this.store.fail(runId, (error as Error).message);
      throw error;
    }
    await this.store.finish(runId);
    return this.progress(runId);
  }

  private async progress(runId: string): Promise<ReplayProgress> {
    return (await this.store.progress(runId)) ?? { ...NOTHING };
  }

  /**
   * Walks the links to versions of the status in link order, skipping links this run wrote itself;
   * each batch's receipts, in first-seen order, go on the queue.
   */
  private async queueReceipts(
    run: StartedReplayRun,
    status: 'quarantined' | 'rejected',
    onBatch: (p: ReplayProgress) => Promise<void>,
  ): Promise<void> {
    let cursor = '0';
    let previous = new Set<string>();
    for (;;) {
      const links = await this.store.links(run, cursor, this.batchSize);
      if (links.length === 0) return;
      cursor = links[links.length - 1].link;
      // A receipt's links are mostly adjacent: the previous batch's receipts are not counted twice
      // (and would be one job anyway: job ids are per run and receipt).
      const batch = new Set<string>();
      for (const l of links) if (!l.expired && !previous.has(l.receiptId)) batch.add(l.receiptId);
      if (batch.size > 0) await this.enqueue({ runId: run.id, status, kind: run.kind }, [...batch]);
      await onBatch(await this.store.advance(run.id, { ...NOTHING, receiptsQueued: batch.size }));
      previous = batch;
      if (links.length < this.batchSize) return;
    }
  }

  /** failed → ready, one transaction per batch of keys in byte order (the pipeline's lock order). */
  private async requeueFailed(
    run: StartedReplayRun,
    onBatch: (p: ReplayProgress) => Promise<void>,
  ): Promise<void> {
    let after: ReplayKey = { kind: '', key: '' };
    for (;;) {
      const keys = await this.store.failedKeys(run, after, this.batchSize);
      if (keys.length === 0) return;
      after = keys[keys.length - 1];
      // A failed version whose key already has a later version at the portal stays failed: resending
      // it would be counted as the portal's next version and replace newer content there.
      const done = await this.store.requeueFailed(run, keys, {
        requeued: `replayed by ${run.actor} in run ${run.id}: back to ready, to be sent again`,
        outdated: `not replayed by ${run.actor} in run ${run.id}: a later version of this key is already at the portal`,
      });
      await onBatch(await this.store.advance(run.id, { ...NOTHING, ...done }));
      if (keys.length < this.batchSize) return;
    }
  }
}
