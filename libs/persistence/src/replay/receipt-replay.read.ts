import { type DataSource } from 'typeorm';

/** A receipt a replay of chosen receipts takes, in the order the hub stored it. */
export interface ReplayReceipt {
  id: string;
  /** Its body was purged after the retention period: it cannot be read again. */
  expired: boolean;
}

/**
 * What a replay of chosen receipts asks of PostgreSQL (POST /v1/admin/replay/receipts; docs/pipeline.md,
 * "Replay of chosen receipts"): which ids are not the source's, the receipts in arrival order, which
 * of them its jobs have ended, and what the run made of their items.
 */
export class PgReceiptReplay {
  constructor(private readonly dataSource: DataSource) {}

  /** The ids, of those given, that name no receipt of this source (unknown, or another source's). */
  async notOfSource(sourceKey: string, ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT x.id FROM unnest($2::uuid[]) AS x(id)
        WHERE NOT EXISTS (SELECT 1 FROM receipt r WHERE r.id = x.id AND r.source_key = $1)
        ORDER BY x.id`,
      [sourceKey, ids],
    );
    return rows.map((r) => r.id);
  }

  /** The receipts of these ids in the order the hub stored them (received_at, then id). */
  async inArrivalOrder(ids: readonly string[]): Promise<ReplayReceipt[]> {
    if (ids.length === 0) return [];
    const rows: Array<{ id: string; expired: boolean }> = await this.dataSource.query(
      `SELECT id::text, body_purged_at IS NOT NULL AS expired
         FROM receipt WHERE id = ANY($1::uuid[]) ORDER BY received_at, id`,
      [ids],
    );
    return rows;
  }

  /**
   * Which of these receipts the run's jobs have ended (PgReceiptRepository.replayEnded writes it),
   * each with whether its job failed for good; the others are still to be judged. One query for a
   * batch, by the table's primary key.
   */
  async ended(runId: string, receiptIds: readonly string[]): Promise<Array<{ id: string; failed: boolean }>> {
    if (receiptIds.length === 0) return [];
    return this.dataSource.query(
      `SELECT receipt_id::text AS id, failed FROM replay_receipt_end
        WHERE operation_id = $1 AND receipt_id = ANY($2::uuid[])`,
      [runId, receiptIds],
    );
  }

  /**
   * The run has ended: its ends are dropped. A job still running for it (the run was cancelled
   * with receipts queued) writes none after this (PgReceiptRepository.replayEnded).
   */
  async forgetEnds(runId: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM replay_receipt_end WHERE operation_id = $1`, [runId]);
  }

  /** The links a run wrote in these receipts, by outcome: what the re-judged items became. */
  async outcomes(runId: string, receiptIds: readonly string[]): Promise<Record<string, number>> {
    // By receipt first (the links' primary key): replay_run has no index of its own.
    const rows: Array<{ outcome: string; n: number }> = await this.dataSource.query(
      `SELECT outcome, count(*)::int AS n FROM receipt_record
        WHERE receipt_id = ANY($2::uuid[]) AND replay_run = $1 GROUP BY outcome`,
      [runId, receiptIds],
    );
    const out: Record<string, number> = { new: 0, version: 0, duplicate: 0, quarantined: 0, conflict: 0 };
    for (const r of rows) out[r.outcome] = r.n;
    return out;
  }
}
