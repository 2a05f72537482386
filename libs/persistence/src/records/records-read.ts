import { NATIONAL, type ProvinceScope, scopeParam, sourceInScope } from '../scope/province-scope';
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

export interface HistoryEntry {
  status: string;
  reason: string;
  at: Date;
}

/** How much of a record the detail answer carries (docs/pipeline.md, "API"). */
export interface DetailPage {
  /** Newest versions shown. */
  versions: number;
  /** Only versions older than this version id (the previous answer's nextVersionsCursor). */
  before?: string | null;
  /** Newest history entries shown per version. */
  history: number;
  /** Newest duplicates and conflicts shown. */
  related: number;
}

export const DETAIL_DEFAULTS: Readonly<DetailPage> = { versions: 50, history: 50, related: 50 };
export const DETAIL_MAX = { versions: 500, history: 500 } as const;

export interface RecordDetail extends RecordView {
  provinceCode: string | null;
  syncedVersion: number | null;
  updatedAt: Date | null;
  /** The newest versions (at most DetailPage.versions, before the cursor), oldest first. */
  versions: Array<RecordView & { history: HistoryEntry[]; historyTotal: number }>;
  versionsTotal: number;
  /** Pass as `before` for the next older page of versions; null when there is none. */
  nextVersionsCursor: string | null;
  /** Arrivals of this key not judged yet (a check they need is held back), status `received`. */
  received: RecordView[];
  /** The newest duplicates, oldest first; all of them through GET /records?status=duplicate&kind=&key=. */
  duplicates: DuplicateView[];
  duplicatesTotal: number;
  conflicts: Array<{
    id: string;
    code: string;
    status: string;
    existingVersionId: string | null;
    incomingVersionId: string;
    createdAt: Date;
  }>;
  conflictsTotal: number;
}

/** Read side of the records API: every version and duplicate the pipeline holds, newest first. */
export class RecordsRead {
  constructor(private readonly dataSource: DataSource) {}

  /** Scoped in SQL by the province of each arrival's source: another province's records are not read. */
  async list(
    f: RecordFilter,
    scope: ProvinceScope = NATIONAL,
  ): Promise<{ items: RecordView[]; nextCursor: string | null }> {
    if (f.status === 'received') return this.listReceived(f, scope);
    const params = [
      f.sourceKey ?? null,
      f.kind ?? null,
      f.key ?? null,
      f.cursor ?? null,
      f.limit + 1,
      scopeParam(scope),
    ];
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
            AND ($3::text IS NULL OR rr.key = $3) AND ($4::bigint IS NULL OR rr.id < $4) AND ${sourceInScope('r.source_key', 6)}
          ORDER BY rr.id DESC LIMIT $5`,
        params,
      );
      rows = rows.map((r) => ({ ...r, status: 'duplicate', findings: [] }));
    } else {
      rows = await this.dataSource.query(
        `SELECT v.id::text AS cursor, ${VERSION_COLUMNS} FROM record_version v
          WHERE ($1::text IS NULL OR v.source_key = $1) AND ($2::text IS NULL OR v.kind = $2)
            AND ($3::text IS NULL OR v.key = $3) AND ($4::bigint IS NULL OR v.id < $4) AND ($7::text IS NULL OR v.status = $7)
            AND ${sourceInScope('v.source_key', 6)}
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
  private async listReceived(
    f: RecordFilter,
    scope: ProvinceScope,
  ): Promise<{ items: RecordView[]; nextCursor: string | null }> {
    const rows: Array<VersionSqlRow & { cursor: string; reason: string }> = await this.dataSource.query(
      `SELECT h.id::text AS cursor, 'held:' || h.id::text AS id, h.kind, h.key, NULL::int AS version, 'received' AS status,
              '[]'::jsonb AS findings, h.data, h.content_hash, h.claimant, r.source_key, h.receipt_id, r.webhook_id,
              r.poll_page, r.mapping_version, h.since AS created_at, h.reason
         FROM held_item h JOIN receipt r ON r.id = h.receipt_id
        WHERE ($1::text IS NULL OR r.source_key = $1) AND ($2::text IS NULL OR h.kind = $2)
          AND ($3::text IS NULL OR h.key = $3) AND ($4::bigint IS NULL OR h.id < $4) AND ${sourceInScope('r.source_key', 6)}
        ORDER BY h.id DESC LIMIT $5`,
      [f.sourceKey ?? null, f.kind ?? null, f.key ?? null, f.cursor ?? null, f.limit + 1, scopeParam(scope)],
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

  /**
   * The record with its newest versions (each with its newest history entries), newest duplicates
   * and conflicts; null if unknown. Every list is bounded (DetailPage) and says its total; older
   * versions are paged with `before` = `nextVersionsCursor`, older duplicates through the list API.
   */
  async detail(
    kind: string,
    key: string,
    page: DetailPage = DETAIL_DEFAULTS,
    scope: ProvinceScope = NATIONAL,
  ): Promise<RecordDetail | null> {
    const before = page.before ?? null;
    const sp = scopeParam(scope);
    const [records, face, versionRows, totals, duplicates, conflicts, held] = (await Promise.all([
      // The holding province and the version at the portal are shown only inside the scope: a
      // province sharing the key with another must not learn who holds it or how far it synced.
      this.dataSource.query(
        `SELECT latest_version_id::text AS latest_version_id,
                CASE WHEN $3::text[] IS NULL OR r.province_code = ANY($3::text[]) THEN r.province_code END AS province_code,
                CASE WHEN $3::text[] IS NULL OR EXISTS (
                       SELECT 1 FROM record_version sv
                        WHERE sv.kind = r.kind AND sv.key = r.key AND sv.version = r.synced_version
                          AND ${sourceInScope('sv.source_key', 3)})
                     THEN r.synced_version END AS synced_version,
                status, claimant, updated_at
           FROM record r WHERE r.kind = $1 AND r.key = $2`,
        [kind, key, sp],
      ),
      // The record's face is its latest accepted version, else its latest arrival of any status,
      // whatever page of versions is asked for.
      this.dataSource.query(
        `SELECT ${VERSION_COLUMNS} FROM record_version v
          WHERE v.kind = $1 AND v.key = $2 AND ${sourceInScope('v.source_key', 3)}
          ORDER BY (v.id = (SELECT latest_version_id FROM record WHERE kind = $1 AND key = $2)) DESC NULLS LAST, v.id DESC
          LIMIT 1`,
        [kind, key, sp],
      ),
      this.dataSource.query(
        `SELECT ${VERSION_COLUMNS} FROM record_version v
          WHERE v.kind = $1 AND v.key = $2 AND ($3::bigint IS NULL OR v.id < $3) AND ${sourceInScope('v.source_key', 5)}
          ORDER BY v.id DESC LIMIT $4`,
        [kind, key, before, page.versions + 1, sp],
      ),
      this.dataSource.query(
        `SELECT (SELECT count(*) FROM record_version v WHERE kind = $1 AND key = $2 AND ${sourceInScope('v.source_key', 3)})::int AS versions,
                (SELECT count(*) FROM receipt_record rr JOIN receipt r ON r.id = rr.receipt_id
                  WHERE rr.kind = $1 AND rr.key = $2 AND rr.outcome = 'duplicate' AND ${sourceInScope('r.source_key', 3)})::int AS duplicates,
                (SELECT count(*) FROM conflict c JOIN record_version v ON v.id = c.incoming_version_id
                  LEFT JOIN record_version e ON e.id = c.existing_version_id
                  WHERE c.kind = $1 AND c.key = $2
                    AND (${sourceInScope('v.source_key', 3)} OR ${sourceInScope('e.source_key', 3)}))::int AS conflicts`,
        [kind, key, sp],
      ),
      this.dataSource.query(
        `SELECT rr.receipt_id, r.source_key, r.webhook_id, r.poll_page, rr.record_version_id::text AS duplicate_of, v.version, rr.created_at
           FROM receipt_record rr JOIN receipt r ON r.id = rr.receipt_id LEFT JOIN record_version v ON v.id = rr.record_version_id
          WHERE rr.kind = $1 AND rr.key = $2 AND rr.outcome = 'duplicate' AND ${sourceInScope('r.source_key', 4)}
          ORDER BY rr.id DESC LIMIT $3`,
        [kind, key, page.related, sp],
      ),
      this.dataSource.query(
        `SELECT id, code, status, existing_version_id::text AS existing_version_id, incoming_version_id::text AS incoming_version_id, created_at
           FROM conflict c
          WHERE c.kind = $1 AND c.key = $2
            AND (${sourceInScope('(SELECT source_key FROM record_version WHERE id = c.incoming_version_id)', 4)}
              OR ${sourceInScope('(SELECT source_key FROM record_version WHERE id = c.existing_version_id)', 4)})
          ORDER BY created_at DESC, id DESC LIMIT $3`,
        [kind, key, page.related, sp],
      ),
      this.listReceived({ kind, key, limit: 100 }, scope),
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
      VersionSqlRow[],
      Array<{ versions: number; duplicates: number; conflicts: number }>,
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
    if (face.length === 0) {
      // Every arrival of this key is held back: the newest one is the record's face, `received`.
      if (received.length === 0) return null;
      return {
        ...received[0],
        provinceCode: null,
        syncedVersion: null,
        updatedAt: null,
        versions: [],
        versionsTotal: 0,
        nextVersionsCursor: null,
        received,
        duplicates: [],
        duplicatesTotal: 0,
        conflicts: [],
        conflictsTotal: 0,
      };
    }
    const more = versionRows.length > page.versions;
    // Oldest first within the page, as the whole list always was.
    const versions = (more ? versionRows.slice(0, page.versions) : versionRows).reverse();
    const history = await this.history(
      versions.map((v) => v.id),
      page.history,
    );
    // The record's state is its latest accepted version's: shown only when that version is in the
    // scope (a key another province holds shows this province's own arrivals, not the holder's).
    const record = scope === null || records[0]?.latest_version_id === face[0].id ? records[0] : undefined;
    const latest = toRecordView(face[0]);
    return {
      ...latest,
      status: record && record.latest_version_id !== null ? record.status : latest.status,
      claimant: record?.claimant ?? latest.claimant,
      provinceCode: record?.province_code ?? null,
      syncedVersion: record?.synced_version ?? null,
      updatedAt: record?.updated_at ?? null,
      versions: versions.map((v) => ({
        ...toRecordView(v),
        history: history.get(v.id)?.entries ?? [],
        historyTotal: history.get(v.id)?.total ?? 0,
      })),
      versionsTotal: totals[0].versions,
      nextVersionsCursor: more ? versions[0].id : null,
      received,
      duplicates: duplicates.reverse().map((d) => ({
        receiptId: d.receipt_id,
        source: d.source_key,
        webhookId: d.webhook_id,
        pollPage: d.poll_page,
        duplicateOf: d.duplicate_of,
        version: d.version,
        at: d.created_at,
      })),
      duplicatesTotal: totals[0].duplicates,
      conflicts: conflicts.reverse().map((c) => ({
        id: c.id,
        code: c.code,
        status: c.status,
        existingVersionId: c.existing_version_id,
        incomingVersionId: c.incoming_version_id,
        createdAt: c.created_at,
      })),
      conflictsTotal: totals[0].conflicts,
    };
  }

  /** The newest `limit` history entries of each version (oldest first) and how many it has in all. */
  private async history(
    versionIds: string[],
    limit: number,
  ): Promise<Map<string, { entries: HistoryEntry[]; total: number }>> {
    const byVersion = new Map<string, { entries: HistoryEntry[]; total: number }>();
    if (versionIds.length === 0) return byVersion;
    const rows: Array<{ version_id: string; status: string; reason: string; at: Date; total: number }> =
      await this.dataSource.query(
        `SELECT version_id, status, reason, at, total FROM (
           SELECT h.record_version_id::text AS version_id, h.id, h.status, h.reason, h.at,
                  row_number() OVER (PARTITION BY h.record_version_id ORDER BY h.id DESC) AS n,
                  count(*) OVER (PARTITION BY h.record_version_id)::int AS total
             FROM record_status_history h WHERE h.record_version_id = ANY($1::bigint[])) x
          WHERE n <= $2 ORDER BY id`,
        [versionIds, limit],
      );
    for (const r of rows) {
      const entry = byVersion.get(r.version_id) ?? { entries: [], total: r.total };
      entry.entries.push({ status: r.status, reason: r.reason, at: r.at });
      byVersion.set(r.version_id, entry);
    }
    return byVersion;
  }
}
