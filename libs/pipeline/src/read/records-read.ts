import { type DataSource } from 'typeorm';
import { type RecordView, toRecordView, VERSION_COLUMNS, type VersionSqlRow } from './record-view';

export const RECORD_LIST_STATUSES = [
  'received',
  'quarantined',
  'duplicate',
  'conflict',
  'ready',
  'synced',
  'rejected',
  'failed',
  'replayed',
] as const;
export type RecordListStatus = (typeof RECORD_LIST_STATUSES)[number];

/** The reason code of a `received` record: a check it needs is held back (docs/pipeline.md). */
export const HELD_BACK = 'HELD_BACK';

export interface RecordFilter {
  sourceKey?: string;
  kind?: string;
  status?: RecordListStatus;
  key?: string;
  /** Keyset cursor: the last item's id of the previous page (newest first). */
  cursor?: string;
  limit: number;
}

export interface DuplicateView {
  receiptId: string;
  source: string;
  webhookId: string | null;
  pollPage: Record<string, unknown> | null;
  /** The version id the arrival matched. */
  duplicateOf: string | null;
  version: number | null;
  at: Date;
}

export interface RecordDetail extends RecordView {
  provinceCode: string | null;
  syncedVersion: number | null;
  updatedAt: Date | null;
  versions: Array<RecordView & { history: Array<{ status: string; reason: string; at: Date }> }>;
  /** Arrivals of this key not judged yet (a check they need is held back), status `received`. */
  received: RecordView[];
  duplicates: DuplicateView[];
  conflicts: Array<{
    id: string;
    code: string;
    status: string;
    existingVersionId: string | null;
    incomingVersionId: string;
    createdAt: Date;
  }>;
}

/** Read side of the records API: every version and duplicate the pipeline holds, newest first. */
export class RecordsRead {
  constructor(private readonly dataSource: DataSource) {}

  async list(f: RecordFilter): Promise<{ items: RecordView[]; nextCursor: string | null }> {
    if (f.status === 'received') return this.listReceived(f);
    const params = [f.sourceKey ?? null, f.kind ?? null, f.key ?? null, f.cursor ?? null, f.limit + 1];
    let rows: Array<VersionSqlRow & { cursor: string }>;
    if (f.status === 'duplicate') {
      // Duplicates are not versions: they are receipts' links to the version they matched.
      rows = await this.dataSource.query(
        `SELECT rr.id::text AS cursor, ${VERSION_COLUMNS.replace(
          'v.source_key, v.receipt_id, v.webhook_id, v.poll_page, v.mapping_version, v.created_at',
          'r.source_key, rr.receipt_id, r.webhook_id, r.poll_page, r.mapping_version, rr.created_at',
        )}
           FROM receipt_record rr JOIN record_version v ON v.id = rr.record_version_id JOIN receipt r ON r.id = rr.receipt_id
          WHERE rr.outcome = 'duplicate' AND ($1::text IS NULL OR r.source_key = $1) AND ($2::text IS NULL OR rr.kind = $2)
            AND ($3::text IS NULL OR rr.key = $3) AND ($4::bigint IS NULL OR rr.id < $4)
          ORDER BY rr.id DESC LIMIT $5`,
        params,
      );
      rows = rows.map((r) => ({ ...r, status: 'duplicate', findings: [] }));
    } else {
      rows = await this.dataSource.query(
        `SELECT v.id::text AS cursor, ${VERSION_COLUMNS} FROM record_version v
          WHERE ($1::text IS NULL OR v.source_key = $1) AND ($2::text IS NULL OR v.kind = $2)
            AND ($3::text IS NULL OR v.key = $3) AND ($4::bigint IS NULL OR v.id < $4) AND ($6::text IS NULL OR v.status = $6)
          ORDER BY v.id DESC LIMIT $5`,
        [...params, f.status ?? null],
      );
    }
    const more = rows.length > f.limit;
    const page = more ? rows.slice(0, f.limit) : rows;
    return { items: page.map(toRecordView), nextCursor: more ? page[page.length - 1].cursor : null };
  }

  /**
   * Records that arrived and wait to be judged because a check they need is held back (held_item):
   * status `received`, the reason as a finding `HELD_BACK`, provenance from their receipt.
   */
  private async listReceived(f: RecordFilter): Promise<{ items: RecordView[]; nextCursor: string | null }> {
    const rows: Array<VersionSqlRow & { cursor: string; reason: string }> = await this.dataSource.query(
      `SELECT h.id::text AS cursor, 'held:' || h.id::text AS id, h.kind, h.key, NULL::int AS version, 'received' AS status,
              '[]'::jsonb AS findings, h.data, h.content_hash, h.claimant, r.source_key, h.receipt_id, r.webhook_id,
              r.poll_page, r.mapping_version, h.since AS created_at, h.reason
         FROM held_item h JOIN receipt r ON r.id = h.receipt_id
        WHERE ($1::text IS NULL OR r.source_key = $1) AND ($2::text IS NULL OR h.kind = $2)
          AND ($3::text IS NULL OR h.key = $3) AND ($4::bigint IS NULL OR h.id < $4)
        ORDER BY h.id DESC LIMIT $5`,
      [f.sourceKey ?? null, f.kind ?? null, f.key ?? null, f.cursor ?? null, f.limit + 1],
    );
    const more = rows.length > f.limit;
    const page = more ? rows.slice(0, f.limit) : rows;
    return {
      items: page.map((r) => ({
        ...toRecordView(r),
        findings: [{ code: HELD_BACK, message: `Not judged yet: ${r.reason}.`, path: '' }],
      })),
      nextCursor: more ? page[page.length - 1].cursor : null,
    };
  }

  /** The record, every version with its history, its duplicates and its conflicts; null if unknown. */
  async detail(kind: string, key: string): Promise<RecordDetail | null> {
    const [records, versions, history, duplicates, conflicts, held] = (await Promise.all([
      this.dataSource.query(
        `SELECT latest_version_id::text AS latest_version_id, province_code, synced_version, status, claimant, updated_at FROM record WHERE kind = $1 AND key = $2`,
        [kind, key],
      ),
      this.dataSource.query(
        `SELECT ${VERSION_COLUMNS} FROM record_version v WHERE v.kind = $1 AND v.key = $2 ORDER BY v.id`,
        [kind, key],
      ),
      this.dataSource.query(
        `SELECT h.record_version_id::text AS version_id, h.status, h.reason, h.at FROM record_status_history h
           JOIN record_version v ON v.id = h.record_version_id WHERE v.kind = $1 AND v.key = $2 ORDER BY h.id`,
        [kind, key],
      ),
      this.dataSource.query(
        `SELECT rr.receipt_id, r.source_key, r.webhook_id, r.poll_page, rr.record_version_id::text AS duplicate_of, v.version, rr.created_at
           FROM receipt_record rr JOIN receipt r ON r.id = rr.receipt_id LEFT JOIN record_version v ON v.id = rr.record_version_id
          WHERE rr.kind = $1 AND rr.key = $2 AND rr.outcome = 'duplicate' ORDER BY rr.id`,
        [kind, key],
      ),
      this.dataSource.query(
        `SELECT id, code, status, existing_version_id::text AS existing_version_id, incoming_version_id::text AS incoming_version_id, created_at
           FROM conflict WHERE kind = $1 AND key = $2 ORDER BY created_at, id`,
        [kind, key],
      ),
      this.listReceived({ kind, key, limit: 100 }),
    ])) as [
      Array<{
        latest_version_id: string | null;
        province_code: string | null;
        synced_version: number | null;
        status: string;
        claimant: string | null;
        updated_at: Date;
      }>,
      VersionSqlRow[],
      Array<{ version_id: string; status: string; reason: string; at: Date }>,
      Array<{
        receipt_id: string;
        source_key: string;
        webhook_id: string | null;
        poll_page: Record<string, unknown> | null;
        duplicate_of: string | null;
        version: number | null;
        created_at: Date;
      }>,
      Array<{
        id: string;
        code: string;
        status: string;
        existing_version_id: string | null;
        incoming_version_id: string;
        created_at: Date;
      }>,
      { items: RecordView[] },
    ];
    const received = held.items;
    if (versions.length === 0) {
      // Every arrival of this key is held back: the newest one is the record's face, `received`.
      if (received.length === 0) return null;
      return {
        ...received[0],
        provinceCode: null,
        syncedVersion: null,
        updatedAt: null,
        versions: [],
        received,
        duplicates: [],
        conflicts: [],
      };
    }
    const record = records[0];
    const views = versions.map((v) => ({
      ...toRecordView(v),
      history: history
        .filter((h) => h.version_id === v.id)
        .map((h) => ({ status: h.status, reason: h.reason, at: h.at })),
    }));
    // The record's face is its latest accepted version, else its latest arrival of any status.
    const latest = views.find((v) => v.id === record?.latest_version_id) ?? views[views.length - 1];
    const { history: _history, ...face } = latest;
    return {
      ...face,
      status: record && record.latest_version_id !== null ? record.status : latest.status,
      claimant: record?.claimant ?? latest.claimant,
      provinceCode: record?.province_code ?? null,
      syncedVersion: record?.synced_version ?? null,
      updatedAt: record?.updated_at ?? null,
      versions: views,
      received,
      duplicates: duplicates.map((d) => ({
        receiptId: d.receipt_id,
        source: d.source_key,
        webhookId: d.webhook_id,
        pollPage: d.poll_page,
        duplicateOf: d.duplicate_of,
        version: d.version,
        at: d.created_at,
      })),
      conflicts: conflicts.map((c) => ({
        id: c.id,
        code: c.code,
        status: c.status,
        existingVersionId: c.existing_version_id,
        incomingVersionId: c.incoming_version_id,
        createdAt: c.created_at,
      })),
    };
  }
}
