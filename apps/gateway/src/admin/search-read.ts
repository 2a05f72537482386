import { toGtin14 } from '@txng/national-model';
import { type DataSource } from 'typeorm';

export interface SearchHit {
  kind: string;
  key: string;
  /** The record's latest accepted version, or null when only quarantined/conflicting arrivals exist. */
  version: number | null;
  status: string;
  source: string;
  /** The record's province: the record's own, else its data's, else its source's. */
  provinceCode: string | null;
  /** How the query matched: key, key-prefix, data field, webhook-id, event-id. */
  matchedBy: string[];
  at: Date;
}

export interface ReceiptHit {
  id: string;
  source: string;
  webhookId: string | null;
  status: string;
  receivedAt: Date;
}

const LIMIT = 50;
/** Fields of national-model records that identify something an operator would type. */
const DATA_FIELDS = ['gtin', 'lot', 'gln', 'taxCode', 'ownerTaxCode', 'producerTaxCode', 'serial'] as const;

const likeEscape = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * GET /v1/admin/search: one box for GTIN, lot, GLN, tax code, event hash or webhook-id. Each way of
 * matching is its own indexed, bounded query (migration 1764248400000); the hits are folded into
 * one row per record.
 */
export class SearchRead {
  constructor(private readonly dataSource: DataSource) {}

  async search(q: string): Promise<{ query: string; items: SearchHit[]; receipts: ReceiptHit[] }> {
    const keys = new Set<string>([q]);
    const prefixes = new Set<string>();
    const values = new Set<string>([q]);
    if (/^\d{8,14}$/.test(q)) {
      const gtin = toGtin14(q);
      if (gtin) {
        keys.add(`gtin:${gtin}`);
        prefixes.add(`lot:${gtin}/`);
        values.add(gtin);
      }
    }
    if (/^\d{13}$/.test(q)) {
      keys.add(`gln:${q}`);
      prefixes.add(`gln:${q}:`);
    }
    if (/^[0-9-]{10,14}$/.test(q)) keys.add(`org:${q}`);

    const params: unknown[] = [[...keys]];
    const parts = [
      `(SELECT v.id, 'key' AS matched FROM record_version v WHERE v.key = ANY($1::text[]) ORDER BY v.id DESC LIMIT ${LIMIT * 4})`,
    ];
    if (prefixes.size > 0) {
      const ors = [...prefixes].map((p) => {
        params.push(`${likeEscape(p)}%`);
        return `v.key LIKE $${params.length}`;
      });
      parts.push(
        `(SELECT v.id, 'key-prefix' FROM record_version v WHERE ${ors.join(' OR ')} ORDER BY v.id DESC LIMIT ${LIMIT * 4})`,
      );
    }
    const containment = [...values].flatMap((value) =>
      DATA_FIELDS.map((field) => {
        params.push(JSON.stringify({ [field]: value }));
        return `v.data @> $${params.length}::jsonb`;
      }),
    );
    parts.push(
      `(SELECT v.id, 'data' FROM record_version v WHERE ${containment.join(' OR ')} ORDER BY v.id DESC LIMIT ${LIMIT * 4})`,
    );
    params.push(q);
    const exact = `$${params.length}`;
    parts.push(
      `(SELECT v.id, 'webhook-id' FROM record_version v WHERE v.webhook_id = ${exact} ORDER BY v.id DESC LIMIT ${LIMIT * 4})`,
    );
    parts.push(
      `(SELECT v.id, 'event-id' FROM event_identifier e JOIN record_version v ON v.kind = 'event' AND v.key = e.event_key
         WHERE e.event_id = ${exact} ORDER BY v.id DESC LIMIT ${LIMIT * 4})`,
    );

    const rows: Array<{
      kind: string;
      key: string;
      version: number | null;
      version_status: string;
      record_status: string | null;
      latest_version: number | null;
      source_key: string;
      province_code: string | null;
      created_at: Date;
      matched: string[];
    }> = await this.dataSource.query(
      `WITH hits AS (${parts.join(' UNION ALL ')}),
            per_record AS (
              SELECT v.kind, v.key, max(v.id) AS last_id, array_agg(DISTINCT h.matched) AS matched
                FROM hits h JOIN record_version v ON v.id = h.id GROUP BY v.kind, v.key)
       SELECT p.kind, p.key, v.version, v.status AS version_status, r.status AS record_status,
              CASE WHEN r.latest_version > 0 THEN r.latest_version END AS latest_version,
              v.source_key, v.created_at, p.matched,
              COALESCE(r.province_code, v.data->>'provinceCode', s.province_code) AS province_code
         FROM per_record p JOIN record_version v ON v.id = p.last_id
         LEFT JOIN record r ON r.kind = p.kind AND r.key = p.key
         LEFT JOIN source s ON s.key = v.source_key
        ORDER BY p.last_id DESC LIMIT ${LIMIT}`,
      params,
    );
    const receipts: Array<{
      id: string;
      source_key: string;
      webhook_id: string | null;
      status: string;
      received_at: Date;
    }> = await this.dataSource.query(
      `SELECT id, source_key, webhook_id, status, received_at FROM receipt
          WHERE webhook_id = $1 OR id::text = $1 ORDER BY received_at DESC LIMIT ${LIMIT}`,
      [q],
    );
    return {
      query: q,
      items: rows.map((r) => ({
        kind: r.kind,
        key: r.key,
        version: r.latest_version,
        status: r.latest_version !== null && r.record_status ? r.record_status : r.version_status,
        source: r.source_key,
        provinceCode: r.province_code,
        matchedBy: r.matched,
        at: r.created_at,
      })),
      receipts: receipts.map((r) => ({
        id: r.id,
        source: r.source_key,
        webhookId: r.webhook_id,
        status: r.status,
        receivedAt: r.received_at,
      })),
    };
  }
}
