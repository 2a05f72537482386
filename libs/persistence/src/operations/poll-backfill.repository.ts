import { type DataSource } from 'typeorm';
import { PgReceiptRepository } from '../receipts/receipt.repository';
import { type NewReceipt } from '../receipts/receipt.types';

/** Where a backfill stands, kept in its operation's `result` while it runs, so a lost job resumes there. */
export interface BackfillProgress {
  pages: number;
  items: number;
  /** The position of the next page to read, as the walk writes it (page, cursor or since). */
  next: Record<string, unknown> | null;
  /** Page pagination without a size: the largest page seen so far (what "full" means). */
  largest: number;
}

/** What storing one page answers: its receipt, or null when the operation had already ended. */
export interface StoredBackfillPage {
  receiptId: string | null;
  cancelRequested: boolean;
}

const UNIQUE_VIOLATION = '23505';

/**
 * The storage side of a poll backfill (docs/poll-connector.md, "Backfill"): each page with items is
 * a receipt stored in the same transaction that counts its items into the operation and moves the
 * backfill's own position. The source's checkpoint is never touched, so the scheduled polls go on
 * as before; a crash re-reads at most the page that was not committed.
 */
export class PgPollBackfillRepository {
  private readonly receipts: PgReceiptRepository;

  constructor(private readonly dataSource: DataSource) {
    this.receipts = new PgReceiptRepository(dataSource);
  }

  /** Whether an insert failed because the source already has an unfinished backfill. */
  static isAlreadyRunning(error: unknown): boolean {
    const e = error as {
      code?: string;
      constraint?: string;
      driverError?: { code?: string; constraint?: string };
    };
    const code = e?.driverError?.code ?? e?.code;
    const constraint = e?.driverError?.constraint ?? e?.constraint;
    return code === UNIQUE_VIOLATION && constraint === 'operation_one_backfill_per_source';
  }

  /**
   * The page's receipt, its items counted (`done`) and the position past it, in one transaction.
   * Nothing is stored when the operation has ended meanwhile (a cancel of a queued one, say).
   */
  async storePage(
    operationId: string,
    receipt: NewReceipt,
    progress: BackfillProgress,
  ): Promise<StoredBackfillPage> {
    return this.dataSource.transaction(async (tx) => {
      const [rows] = await tx.query<[Array<{ cancel: boolean }>, number]>(
        `UPDATE operation SET done = done + $2, result = $3::jsonb, updated_at = now()
          WHERE id = $1 AND state IN ('running', 'cancelling')
         RETURNING cancel_requested_at IS NOT NULL AS cancel`,
        [operationId, receipt.recordCount ?? 0, JSON.stringify(progress)],
      );
      if (rows.length === 0) return { receiptId: null, cancelRequested: true };
      const stored = await this.receipts.store(receipt, tx);
      return { receiptId: stored.receiptId, cancelRequested: rows[0].cancel };
    });
  }

  /** A page without items that the walk goes past (an empty cursor page): only the position moves. */
  async moveOn(operationId: string, progress: BackfillProgress): Promise<boolean> {
    const [rows] = await this.dataSource.query<[Array<{ cancel: boolean }>, number]>(
      `UPDATE operation SET result = $2::jsonb, updated_at = now()
        WHERE id = $1 AND state IN ('running', 'cancelling')
       RETURNING cancel_requested_at IS NOT NULL AS cancel`,
      [operationId, JSON.stringify(progress)],
    );
    return rows.length === 0 || rows[0].cancel;
  }
}
