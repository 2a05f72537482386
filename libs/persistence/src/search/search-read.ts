import { type DataSource } from 'typeorm';
import { readSearchQuery, type QueryReading } from './search-query';

export interface SearchHit {
  kind: string;
  key: string;
  /** The record's latest accepted version, or null when only quarantined/conflicting arrivals exist. */
  version: number | null;
  status: string;
  source: string;
  /** The record's province: the record's own, else its data's, else its source's. */
  provinceCode: string | null;
  /** How the query matched: key, key-prefix, data, identifier, webhook-id, event-id, receipt. */
  matchedBy: string[];
  /** The key is one the query names exactly (ranked first). */
  exact: boolean;
  at: Date;
}

export interface ReceiptHit {
  id: string;
  source: string;
  webhookId: string | null;
  status: string;
  receivedAt: Date;
  exact: boolean;
}

export interface SearchGroup<T> {
  kind: string;
  /** Hits of this kind; a lower bound when `complete` is false (a way of matching hit its cap). */
  total: number;
  complete: boolean;
  items: T[];
  /** Offset of the next page of this group (pass as `cursor` with `kind`), or null. */
  nextCursor: string | null;
}

export interface SearchAnswer {
  query: string;
  /** The newest records, exact keys first (at most 50): the answer's original list. */
  items: SearchHit[];
  receipts: ReceiptHit[];
  understood: { as: QueryReading; keys: string[] };
  /** The one record (or receipt) the query names exactly, where the UI lands; else null. */
  best: { kind: string; key: string } | null;
  /** Hits by kind, the kinds with an exact hit first, each with its count and one page. */
  groups: Array<SearchGroup<SearchHit> | SearchGroup<ReceiptHit>>;
}

export interface SearchOptions {
  /** Page this group only (`nextCursor` of its previous page); the others show their first page. */
  kind?: string;
  cursor?: number;
  /** Items per group page. */
  limit: number;
  /** Only records and receipts of these provinces (a province-scoped token); null: all. */
  provinces: string[] | null;
}

/** The original answer's list: at most this many records. */
export const SEARCH_ITEMS = 50;
/** Each way of matching reads at most this many versions, so a search stays bounded. */
export const SEARCH_CAP = 500;
const KIND_ORDER = ['product', 'lot', 'location', 'organization', 'event'];
/** Where EPCIS events carry identifiers (national-model.md: GS1 Digital Link URIs). */
const EVENT_URI_LISTS = ['epcList', 'childEPCs', 'inputEPCList', 'outputEPCList'];
const EVENT_URI_FIELDS = ['parentID'];
const EVENT_URI_OBJECTS = ['readPoint', 'bizLocation'];
const EVENT_QUANTITY_LISTS = ['quantityList', 'childQuantityList', 'inputQuantityList', 'outputQuantityList'];

const likeEscape = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The containment documents that find an identifier wherever an EPCIS event carries it. */
function eventContainers(uri: string): string[] {
  return [
    ...EVENT_URI_LISTS.map((f) => ({ [f]: [uri] })),
    ...EVENT_URI_FIELDS.map((f) => ({ [f]: uri })),
    ...EVENT_URI_OBJECTS.map((f) => ({ [f]: { id: uri } })),
    ...EVENT_QUANTITY_LISTS.map((f) => ({ [f]: [{ epcClass: uri }] })),
  ].map((d) => JSON.stringify(d));
}

/**
 * GET /v1/admin/search: one box for a GTIN, GLN, SSCC, Digital Link, element string, EPC URN, tax
 * code, record key, lot, event hash or eventID, webhook-id or receipt id. Each way of matching is
 * its own indexed query bounded by SEARCH_CAP (migration 1764248400000); the hits are folded into
 * one row per record, ranked exact key first, grouped by kind with counts and paged per kind.
 */
export class SearchRead {
  constructor(private readonly dataSource: DataSource) {}

  async search(text: string, options: SearchOptions): Promise<SearchAnswer> {
    const q = readSearchQuery(text);
    const params: unknown[] = [];
    const p = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    const cap = `LIMIT ${SEARCH_CAP}`;
    const keys = [...new Set([text, ...q.exactKeys])];
    const parts = [
      `(SELECT v.id, 'key' AS matched FROM record_version v WHERE v.key = ANY(${p(keys)}::text[]) ORDER BY v.id DESC ${cap})`,
    ];
    if (q.keyPrefixes.length > 0) {
      const ors = q.keyPrefixes.map((prefix) => `v.key LIKE ${p(`${likeEscape(prefix)}%`)}`);
      parts.push(
        `(SELECT v.id, 'key-prefix' FROM record_version v WHERE ${ors.join(' OR ')} ORDER BY v.id DESC ${cap})`,
      );
    }
    if (q.fieldValues.length > 0) {
      const ors = q.fieldValues.map((doc) => `v.data @> ${p(JSON.stringify(doc))}::jsonb`);
      parts.push(
        `(SELECT v.id, 'data' FROM record_version v WHERE ${ors.join(' OR ')} ORDER BY v.id DESC ${cap})`,
      );
    }
    if (q.identifiers.length > 0) {
      const ors = q.identifiers
        .flatMap((uri) => eventContainers(uri))
        .map((doc) => `v.data @> ${p(doc)}::jsonb`);
      parts.push(
        `(SELECT v.id, 'identifier' FROM record_version v WHERE v.kind = 'event' AND (${ors.join(' OR ')}) ORDER BY v.id DESC ${cap})`,
      );
    }
    const exact = p(text);
    parts.push(
      `(SELECT v.id, 'webhook-id' FROM record_version v WHERE v.webhook_id = ${exact} ORDER BY v.id DESC ${cap})`,
      `(SELECT v.id, 'event-id' FROM event_identifier e JOIN record_version v ON v.kind = 'event' AND v.key = e.event_key
         WHERE e.event_id = ${exact} ORDER BY v.id DESC ${cap})`,
    );
    if (q.receiptId) {
      parts.push(
        `(SELECT v.id, 'receipt' FROM record_version v WHERE v.receipt_id = ${p(q.receiptId)}::uuid ORDER BY v.id DESC ${cap})`,
      );
    }
    const exactKeys = p(q.exactKeys);
    const provinces = p(options.provinces);

    // One light row per record (every hit, bounded), ranked; the page's details are read after.
    const records: Array<{
      kind: string;
      key: string;
      last_id: string;
      matched: string[];
      exact: boolean;
      capped: boolean;
    }> = await this.dataSource.query(
      `WITH hits AS (${parts.join(' UNION ALL ')}),
            counted AS (SELECT matched, count(*) >= ${SEARCH_CAP} AS capped FROM hits GROUP BY matched),
            per_record AS (
              SELECT v.kind, v.key, max(v.id) AS last_id, array_agg(DISTINCT h.matched) AS matched
                FROM hits h JOIN record_version v ON v.id = h.id
               -- A province token finds the arrivals of its own sources, never another province's.
               WHERE ${provinces}::text[] IS NULL
                  OR EXISTS (SELECT 1 FROM source sc WHERE sc.key = v.source_key AND sc.province_code = ANY(${provinces}::text[]))
               GROUP BY v.kind, v.key)
       SELECT p.kind, p.key, p.last_id::text AS last_id, p.matched, p.key = ANY(${exactKeys}::text[]) AS exact,
              EXISTS (SELECT 1 FROM counted c WHERE c.capped AND c.matched = ANY(p.matched)) AS capped
         FROM per_record p
         JOIN record_version v ON v.id = p.last_id
         LEFT JOIN record r ON r.kind = p.kind AND r.key = p.key
         LEFT JOIN source s ON s.key = v.source_key
        ORDER BY (p.key = ANY(${exactKeys}::text[])) DESC, p.last_id DESC`,
      params,
    );

    const receipts: Array<{
      id: string;
      source_key: string;
      webhook_id: string | null;
      status: string;
      received_at: Date;
    }> = await this.dataSource.query(
      `SELECT rc.id, rc.source_key, rc.webhook_id, rc.status, rc.received_at
         FROM receipt rc JOIN source s ON s.key = rc.source_key
        WHERE (rc.webhook_id = $1 OR rc.id = $2::uuid) AND ($3::text[] IS NULL OR s.province_code = ANY($3::text[]))
        ORDER BY rc.received_at DESC LIMIT ${SEARCH_CAP}`,
      [text, q.receiptId, options.provinces],
    );

    // Which rows to show in full: the original list's first 50, and one page of each group.
    const byKind = new Map<string, typeof records>();
    for (const r of records) byKind.set(r.kind, [...(byKind.get(r.kind) ?? []), r]);
    const kinds = [...byKind.keys()].sort(
      (a, b) =>
        Number(byKind.get(b)![0].exact) - Number(byKind.get(a)![0].exact) ||
        KIND_ORDER.indexOf(a) - KIND_ORDER.indexOf(b),
    );
    const offsetOf = (kind: string): number => (options.kind === kind ? (options.cursor ?? 0) : 0);
    const pages = new Map(
      kinds.map((kind) => [kind, byKind.get(kind)!.slice(offsetOf(kind), offsetOf(kind) + options.limit)]),
    );
    const wanted = new Set<string>([
      ...records.slice(0, SEARCH_ITEMS).map((r) => r.last_id),
      ...[...pages.values()].flat().map((r) => r.last_id),
    ]);
    const details = await this.details([...wanted]);
    const hit = (r: (typeof records)[number]): SearchHit => ({
      ...details.get(r.last_id)!,
      matchedBy: r.matched,
      exact: r.exact,
    });

    const exactReceipt = q.receiptId !== null && receipts.some((r) => r.id === q.receiptId);
    const receiptHits: ReceiptHit[] = receipts.map((r) => ({
      id: r.id,
      source: r.source_key,
      webhookId: r.webhook_id,
      status: r.status,
      receivedAt: r.received_at,
      exact: r.id === q.receiptId,
    }));
    const groups: SearchAnswer['groups'] = kinds.map((kind) => {
      const all = byKind.get(kind)!;
      const offset = offsetOf(kind);
      const next = offset + options.limit;
      return {
        kind,
        total: all.length,
        complete: !all.some((r) => r.capped),
        items: pages.get(kind)!.map(hit),
        nextCursor: next < all.length ? String(next) : null,
      };
    });
    if (receiptHits.length > 0) {
      const offset = offsetOf('receipt');
      const next = offset + options.limit;
      const group: SearchGroup<ReceiptHit> = {
        kind: 'receipt',
        total: receiptHits.length,
        complete: receiptHits.length < SEARCH_CAP,
        items: receiptHits.slice(offset, next),
        nextCursor: next < receiptHits.length ? String(next) : null,
      };
      if (exactReceipt) groups.unshift(group);
      else groups.push(group);
    }

    // Land on the most specific key the query names (a lot before its product), or on the receipt.
    let best: SearchAnswer['best'] = null;
    if (exactReceipt) best = { kind: 'receipt', key: q.receiptId! };
    else {
      for (const key of q.exactKeys) {
        const found = records.find((r) => r.key === key);
        if (found) {
          best = { kind: found.kind, key: found.key };
          break;
        }
      }
    }
    return {
      query: text,
      items: records.slice(0, SEARCH_ITEMS).map(hit),
      receipts: receiptHits.slice(0, SEARCH_ITEMS),
      understood: { as: q.as, keys: q.exactKeys },
      best,
      groups,
    };
  }

  /** Version, status, source, province and time of the records whose newest matching row is given. */
  private async details(ids: string[]): Promise<Map<string, Omit<SearchHit, 'matchedBy' | 'exact'>>> {
    if (ids.length === 0) return new Map();
    const rows: Array<{
      id: string;
      kind: string;
      key: string;
      version_status: string;
      record_status: string | null;
      latest_version: number | null;
      source_key: string;
      province_code: string | null;
      created_at: Date;
    }> = await this.dataSource.query(
      `SELECT v.id::text AS id, v.kind, v.key, v.status AS version_status, r.status AS record_status,
              CASE WHEN r.latest_version > 0 THEN r.latest_version END AS latest_version,
              v.source_key, v.created_at,
              COALESCE(r.province_code, v.data->>'provinceCode', s.province_code) AS province_code
         FROM record_version v
         LEFT JOIN record r ON r.kind = v.kind AND r.key = v.key
         LEFT JOIN source s ON s.key = v.source_key
        WHERE v.id = ANY($1::bigint[])`,
      [ids],
    );
    return new Map(
      rows.map((r) => [
        r.id,
        {
          kind: r.kind,
          key: r.key,
          version: r.latest_version,
          status: r.latest_version !== null && r.record_status ? r.record_status : r.version_status,
          source: r.source_key,
          provinceCode: r.province_code,
          at: r.created_at,
        },
      ]),
    );
  }
}
