import { type DataSource } from 'typeorm';
import { type ReceiptStatus } from '../entities/receipt.entity';
import { type StoredFinding } from '../entities/record-version.entity';
import { NATIONAL, type ProvinceScope, scopeParam } from '../scope/province-scope';

export const RECEIPT_STATUSES: readonly ReceiptStatus[] = [
  'stored',
  'queued',
  'processing',
  'processed',
  'failed',
];

/** What became of one webhook or poll page (hub-interface.md, "v1 additions"), without its records. */
export interface ReceiptSummary {
  id: string;
  sourceKey: string;
  webhookId: string | null;
  status: ReceiptStatus;
  receivedAt: Date;
  processedAt: Date | null;
  error: string | null;
}

/** One record of a receipt: how it was judged, what holds it back, and whether it reached the portal. */
export interface ReceiptRecordView {
  kind: string;
  key: string;
  version: number | null;
  /** As in the records list: received, quarantined, duplicate, conflict, ready, synced, rejected, failed, replayed. */
  status: string;
  findings: StoredFinding[];
  portal: { version: number | null; syncedAt: Date } | null;
  /** The conflict it opened; the other side is named by province only, never shown. */
  conflict: { id: string; code: string; otherProvinceCode: string | null } | null;
  /** The replay run (operation) that last judged this item again; null when judged once, on arrival. */
  replayRunId: string | null;
}

/** A receipt with every record: the answer of GET /v1/admin/receipts/{id} and the `data` of a callback. */
export interface ReceiptView extends ReceiptSummary {
  records: ReceiptRecordView[];
}

export interface ReceiptFilter {
  sourceKey?: string;
  status?: ReceiptStatus;
  /** Only receipts received at or after this time. */
  since?: Date;
  /** Keyset cursor `<received_at in µs>.<id>` of the previous page's last item (newest first). */
  cursor?: string;
  limit: number;
}

/** Why a record of a receipt has no version yet (a check it needs is held back; docs/pipeline.md). */
export const HELD_BACK_CODE = 'HELD_BACK';

const CURSOR = /^(\d{1,20})\.([0-9a-f-]{36})$/;
export const isReceiptCursor = (cursor: string): boolean => CURSOR.test(cursor);

interface SummaryRow {
  id: string;
  source_key: string;
  webhook_id: string | null;
  status: ReceiptStatus;
  received_at: Date;
  processed_at: Date | null;
  error: string | null;
}

const SUMMARY_COLUMNS = `r.id, r.source_key, r.webhook_id, r.status, r.received_at, r.processed_at, r.error`;

const toSummary = (r: SummaryRow): ReceiptSummary => ({
  id: r.id,
  sourceKey: r.source_key,
  webhookId: r.webhook_id,
  status: r.status,
  receivedAt: r.received_at,
  processedAt: r.processed_at,
  error: r.error,
});

/**
 * Receipts as a province reads its own outcomes. Scoped in SQL by the receipt's source's province:
 * a receipt outside the scope is not found, exactly as one that does not exist.
 */
export class ReceiptsRead {
  constructor(private readonly dataSource: DataSource) {}

  async list(
    f: ReceiptFilter,
    scope: ProvinceScope = NATIONAL,
  ): Promise<{ items: ReceiptSummary[]; nextCursor: string | null }> {
    const m = f.cursor ? CURSOR.exec(f.cursor) : null;
    const rows: Array<SummaryRow & { cursor_us: string }> = await this.dataSource.query(
      `SELECT ${SUMMARY_COLUMNS}, (extract(epoch FROM r.received_at) * 1000000)::bigint::text AS cursor_us
         FROM receipt r
        WHERE ($1::text[] IS NULL OR EXISTS (SELECT 1 FROM source s WHERE s.key = r.source_key AND s.province_code = ANY($1::text[])))
          AND ($2::text IS NULL OR r.source_key = $2)
          AND ($3::text IS NULL OR r.status = $3)
          AND ($4::timestamptz IS NULL OR r.received_at >= $4)
          AND ($5::bigint IS NULL OR (r.received_at, r.id) < ('epoch'::timestamptz + $5::bigint * interval '1 microsecond', $6::uuid))
        ORDER BY r.received_at DESC, r.id DESC
        LIMIT $7`,
      [
        scopeParam(scope),
        f.sourceKey ?? null,
        f.status ?? null,
        f.since ?? null,
        m ? m[1] : null,
        m ? m[2] : null,
        f.limit + 1,
      ],
    );
    const more = rows.length > f.limit;
    const page = more ? rows.slice(0, f.limit) : rows;
    const last = page[page.length - 1];
    return { items: page.map(toSummary), nextCursor: more ? `${last.cursor_us}.${last.id}` : null };
  }

  /** One receipt with every record in envelope order; null if unknown or outside the scope. */
  async get(id: string, scope: ProvinceScope = NATIONAL): Promise<ReceiptView | null> {
    const [receipt]: SummaryRow[] = await this.dataSource.query(
      `SELECT ${SUMMARY_COLUMNS} FROM receipt r
        WHERE r.id = $1
          AND ($2::text[] IS NULL OR EXISTS (SELECT 1 FROM source s WHERE s.key = r.source_key AND s.province_code = ANY($2::text[])))`,
      [id, scopeParam(scope)],
    );
    if (!receipt) return null;
    const rows: Array<{
      item_index: number;
      kind: string;
      key: string;
      version: number | null;
      status: string;
      findings: StoredFinding[] | null;
      portal_version: number | null;
      synced_at: Date | null;
      conflict_id: string | null;
      conflict_code: string | null;
      other_province: string | null;
      replay_run: string | null;
    }> = await this.dataSource.query(
      `SELECT rr.item_index, rr.kind, rr.key, v.version,
              CASE WHEN rr.outcome = 'duplicate' THEN 'duplicate' ELSE v.status END AS status,
              CASE WHEN rr.outcome = 'duplicate' THEN '[]'::jsonb ELSE v.findings END AS findings,
              v.portal_version, v.synced_at,
              c.id AS conflict_id, c.code AS conflict_code,
              COALESCE(es.province_code, er.province_code) AS other_province,
              rr.replay_run::text AS replay_run
         FROM receipt_record rr
         LEFT JOIN record_version v ON v.id = rr.record_version_id
         LEFT JOIN LATERAL (SELECT c.id, c.code, c.existing_version_id FROM conflict c
                             WHERE rr.outcome = 'conflict' AND c.incoming_version_id = rr.record_version_id
                             ORDER BY c.created_at DESC LIMIT 1) c ON true
         LEFT JOIN record_version ev ON ev.id = c.existing_version_id
         LEFT JOIN source es ON es.key = ev.source_key
         LEFT JOIN record er ON c.id IS NOT NULL AND er.kind = rr.kind AND er.key = rr.key
        WHERE rr.receipt_id = $1
       UNION ALL
       SELECT h.item_index, h.kind, h.key, NULL, 'received',
              jsonb_build_array(jsonb_build_object('code', '${HELD_BACK_CODE}', 'message', 'Not judged yet: ' || h.reason || '.', 'path', '')),
              NULL, NULL, NULL, NULL, NULL, NULL
         FROM held_item h WHERE h.receipt_id = $1
        ORDER BY 1`,
      [id],
    );
    return {
      ...toSummary(receipt),
      records: rows.map((r) => ({
        kind: r.kind,
        key: r.key,
        version: r.version,
        status: r.status,
        // Stored as every reader may see them: a conflict finding names no holder (the pipeline writes
        // it so); the other side's province is `conflict.otherProvinceCode`.
        findings: (r.findings ?? []).map((f) => ({ code: f.code, message: f.message, path: f.path })),
        portal: r.synced_at ? { version: r.portal_version, syncedAt: r.synced_at } : null,
        conflict: r.conflict_id
          ? { id: r.conflict_id, code: r.conflict_code!, otherProvinceCode: r.other_province }
          : null,
        replayRunId: r.replay_run,
      })),
    };
  }
}
