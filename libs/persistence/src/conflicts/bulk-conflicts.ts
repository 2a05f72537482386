import { type DataSource } from 'typeorm';

/** Which open conflicts a bulk decision takes (POST /v1/admin/conflicts/bulk-resolve). */
export interface BulkConflictFilter {
  code: string;
  /** The source of the incoming side; all sources when null. */
  sourceKey: string | null;
  kind: string | null;
  /** Only conflicts raised by then: the operation decides what the operator saw, not later arrivals. */
  raisedBy: Date;
}

const MATCH = `c.status = 'open' AND c.code = $1 AND ($2::text IS NULL OR v.source_key = $2)
  AND ($3::text IS NULL OR c.kind = $3) AND c.created_at <= $4::timestamptz`;

/** The open conflicts of one kind, for a bulk decision: counted when asked for, walked in batches. */
export class PgBulkConflicts {
  constructor(private readonly dataSource: DataSource) {}

  async count(filter: BulkConflictFilter): Promise<number> {
    const [row]: Array<{ n: number }> = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM conflict c JOIN record_version v ON v.id = c.incoming_version_id
        WHERE ${MATCH}`,
      [filter.code, filter.sourceKey, filter.kind, filter.raisedBy],
    );
    return row.n;
  }

  /** The next open matching conflicts after `after` (keyset on created_at, id), oldest first. */
  async page(
    filter: BulkConflictFilter,
    after: { createdAt: string; id: string } | null,
    limit: number,
  ): Promise<Array<{ id: string; createdAt: string }>> {
    return this.dataSource.query(
      `SELECT c.id::text AS id, c.created_at::text AS "createdAt"
         FROM conflict c JOIN record_version v ON v.id = c.incoming_version_id
        WHERE ${MATCH} AND ($5::timestamptz IS NULL OR (c.created_at, c.id) > ($5::timestamptz, $6::uuid))
        ORDER BY c.created_at, c.id LIMIT $7`,
      [
        filter.code,
        filter.sourceKey,
        filter.kind,
        filter.raisedBy,
        after?.createdAt ?? null,
        after?.id ?? null,
        limit,
      ],
    );
  }
}
