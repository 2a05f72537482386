import { type DataSource, type EntityManager, IsNull } from 'typeorm';
import { SourceEntity } from '../entities';
import { type PgReceiptRepository } from '../receipts/receipt.repository';
import { type NewReceipt } from '../receipts/receipt.types';

/**
 * Sources' PostgreSQL side as ingest and polling use it (the operator API's is PgSourceAdminRepository):
 * a source by key, which sources are polled and how often, a source's checkpoint
 * (moved only from the value a run started from) and health, and a page stored as a receipt in the
 * same transaction as the checkpoint past it.
 */
export class PgSourceRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly receipts: PgReceiptRepository,
  ) {}

  /** Poll sources in `testing` or `active` with their interval in seconds (null when unset). */
  async polledSources(): Promise<Array<{ key: string; interval: number | null }>> {
    return this.dataSource.query(
      `SELECT key, (poll->>'intervalSeconds')::int AS interval FROM source
       WHERE kind = 'poll' AND deleted_at IS NULL AND stage IN ('testing', 'active') AND poll IS NOT NULL`,
    );
  }

  /** The source, deleted or not (a deleted source's receipts are still processed). */
  async findAny(key: string): Promise<SourceEntity | null> {
    return this.dataSource.manager.findOne(SourceEntity, { where: { key } });
  }

  /** The source unless deleted. */
  async find(key: string): Promise<SourceEntity | null> {
    return this.dataSource.manager.findOne(SourceEntity, { where: { key, deletedAt: IsNull() } });
  }

  /**
   * Moves the checkpoint from exactly `expected` to `moved`; false when the stored checkpoint is
   * something else (another run of the source moved it), and nothing is written.
   */
  async advance(
    key: string,
    expected: Record<string, unknown> | null,
    moved: Record<string, unknown>,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .update(SourceEntity)
      .set({ checkpoint: moved })
      .where('key = :key', { key })
      .andWhere('checkpoint IS NOT DISTINCT FROM CAST(:expected AS jsonb)', {
        expected: expected === null ? null : JSON.stringify(expected),
      })
      .execute();
    return result.affected === 1;
  }

  /**
   * The page's receipt and the checkpoint past it, in one transaction: both or neither. Null (and
   * nothing stored) when another run moved the checkpoint.
   */
  async storePage(
    key: string,
    expected: Record<string, unknown> | null,
    moved: Record<string, unknown>,
    receipt: NewReceipt,
  ): Promise<string | null> {
    return this.dataSource.transaction(async (tx) => {
      if (!(await this.advance(key, expected, moved, tx))) return null;
      return (await this.receipts.store(receipt, tx)).receiptId;
    });
  }

  /** A run completed: healthy, no failures in a row, polled now, no backoff. */
  async recordSuccess(key: string, now: Date): Promise<void> {
    await this.dataSource.manager.update(
      SourceEntity,
      { key },
      { health: 'healthy', consecutiveFailures: 0, lastError: null, lastPollAt: now, nextPollAfter: null },
    );
  }

  /**
   * A run failed: one more failure in a row (counted in SQL, so two processes failing the same
   * source both count) and the reason. Returns the failures in a row, null when the row is gone.
   */
  async countFailure(key: string, reason: string): Promise<number | null> {
    const raw: unknown = await this.dataSource.query(
      `UPDATE source SET consecutive_failures = consecutive_failures + 1, last_error = $2 WHERE key = $1 RETURNING consecutive_failures`,
      [key, reason.slice(0, 2000)],
    );
    const rows =
      Array.isArray(raw) && Array.isArray(raw[0]) ? (raw[0] as Array<{ consecutive_failures: number }>) : [];
    return rows[0]?.consecutive_failures ?? null;
  }

  /** Not polled before `until`; marked unhealthy too when `unhealthy`. */
  async backOff(key: string, until: Date, unhealthy: boolean): Promise<void> {
    await this.dataSource.manager.update(
      SourceEntity,
      { key },
      unhealthy ? { health: 'unhealthy', nextPollAfter: until } : { nextPollAfter: until },
    );
  }
}
