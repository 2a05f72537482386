import { type OperationRow } from '@txng/persistence';
import { type OperationStore } from './operation-store.port';

/**
 * Thrown by OperationTracker.advance when someone asked to cancel: the work stops there, between
 * two items, and what it did so far stays done.
 */
export class OperationCancelledError extends Error {
  constructor(readonly operationId: string) {
    super(`Operation ${operationId} was cancelled.`);
  }
}

/**
 * The work's side of one operation: it starts it, says how many items there are, adds what each
 * item or batch did once that committed (and stops when a cancel is asked for), and ends it. Every
 * long piece of work (replay, reconciliation, backfill, bulk decisions) reports through one of these.
 */
export class OperationTracker {
  constructor(
    private readonly store: OperationStore,
    readonly id: string,
  ) {}

  /** Null when the operation must not run (gone, ended, or cancelled while it waited). */
  start(): Promise<OperationRow | null> {
    return this.store.start(this.id);
  }

  total(total: number): Promise<void> {
    return this.store.setTotal(this.id, total);
  }

  /** Counts an item or batch that is done for good; throws OperationCancelledError when asked to stop. */
  async advance(done: number, failed = 0): Promise<void> {
    const tick = await this.store.advance(this.id, { done, failed });
    if (tick.cancelRequested) throw new OperationCancelledError(this.id);
  }

  /** Throws OperationCancelledError when asked to stop, counting nothing (before the first item). */
  async checkpoint(): Promise<void> {
    if (await this.store.cancelRequested(this.id)) throw new OperationCancelledError(this.id);
  }

  async done(result?: Record<string, unknown>): Promise<void> {
    await this.store.finish(this.id, 'done', { result });
  }

  async cancelled(result?: Record<string, unknown>): Promise<void> {
    await this.store.finish(this.id, 'cancelled', { result });
  }

  async failed(error: unknown, result?: Record<string, unknown>): Promise<void> {
    await this.store.finish(this.id, 'failed', {
      result,
      error: error instanceof Error ? error.message : String(error),
    });
  }

  /**
   * Runs `work` as this operation: started (or nothing when it must not run), then ended as done,
   * cancelled (OperationCancelledError) or failed (rethrown).
   */
  async run<T extends Record<string, unknown>>(
    work: (op: OperationRow) => Promise<T>,
  ): Promise<{ state: 'done' | 'cancelled' | 'skipped'; result?: T }> {
    const op = await this.start();
    if (!op) return { state: 'skipped' };
    if (op.state === 'cancelling') {
      await this.cancelled();
      return { state: 'cancelled' };
    }
    try {
      const result = await work(op);
      await this.done(result);
      return { state: 'done', result };
    } catch (error) {
      if (error instanceof OperationCancelledError) {
        await this.cancelled();
        return { state: 'cancelled' };
      }
      await this.failed(error);
      throw error;
    }
  }
}
