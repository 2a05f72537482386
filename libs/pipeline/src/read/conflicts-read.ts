import { type DataSource } from 'typeorm';
import { type RecordView, toRecordView, VERSION_COLUMNS, type VersionSqlRow } from './record-view';

export interface ConflictView {
  id: string;
  code: string;
  kind: string;
  key: string;
  status: 'open' | 'resolved';
  existing: RecordView | null;
  incoming: RecordView;
  createdAt: Date;
  resolvedAt: Date | null;
  decision: string | null;
  note: string | null;
  resolvedBy: string | null;
}

export interface ConflictFilter {
  status?: 'open' | 'resolved';
  kind?: string;
  key?: string;
  /** Keyset cursor `<created_at in µs>.<id>` of the previous page's last item (oldest first). */
  cursor?: string;
  limit: number;
}

/** A conflict row as the read side and the resolver select it (version ids as text). */
export interface ConflictSqlRow {
  id: string;
  code: string;
  kind: string;
  key: string;
  status: 'open' | 'resolved';
  existing_version_id: string | null;
  incoming_version_id: string;
}

const CURSOR = /^(\d{1,20})\.([0-9a-f-]{36})$/;
export const isConflictCursor = (cursor: string): boolean => CURSOR.test(cursor);

/** Read side of the conflicts API: each conflict with both sides in full, oldest first. */
export class ConflictsRead {
  constructor(private readonly dataSource: DataSource) {}

  /** One conflict by id, with both sides; null if unknown. */
  async get(id: string): Promise<ConflictView | null> {
    const page = await this.list({ id, limit: 1 });
    return page.items[0] ?? null;
  }

  async list(
    f: ConflictFilter & { id?: string },
  ): Promise<{ items: ConflictView[]; nextCursor: string | null }> {
    const m = f.cursor ? CURSOR.exec(f.cursor) : null;
    const rows: Array<
      ConflictSqlRow & {
        created_at: Date;
        resolved_at: Date | null;
        decision: string | null;
        note: string | null;
        resolved_by: string | null;
        us: string;
      }
    > = await this.dataSource.query(
      `SELECT c.id, c.code, c.kind, c.key, c.status, c.existing_version_id::text AS existing_version_id,
                c.incoming_version_id::text AS incoming_version_id, c.created_at, c.resolved_at, c.decision, c.note, c.resolved_by,
                (extract(epoch FROM c.created_at) * 1000000)::bigint::text AS us
           FROM conflict c
          WHERE ($1::text IS NULL OR c.status = $1) AND ($2::text IS NULL OR c.kind = $2) AND ($3::text IS NULL OR c.key = $3)
            AND ($7::uuid IS NULL OR c.id = $7)
            AND ($4::bigint IS NULL OR ((extract(epoch FROM c.created_at) * 1000000)::bigint, c.id) > ($4::bigint, $5::uuid))
          ORDER BY (extract(epoch FROM c.created_at) * 1000000)::bigint, c.id LIMIT $6`,
      [
        f.status ?? null,
        f.kind ?? null,
        f.key ?? null,
        m?.[1] ?? null,
        m?.[2] ?? null,
        f.limit + 1,
        f.id ?? null,
      ],
    );
    const more = rows.length > f.limit;
    const page = more ? rows.slice(0, f.limit) : rows;
    const ids = page.flatMap((c) =>
      c.existing_version_id ? [c.existing_version_id, c.incoming_version_id] : [c.incoming_version_id],
    );
    const versions: VersionSqlRow[] =
      ids.length === 0
        ? []
        : await this.dataSource.query(
            `SELECT ${VERSION_COLUMNS} FROM record_version v WHERE v.id = ANY($1::bigint[])`,
            [ids],
          );
    const byId = new Map(versions.map((v) => [v.id, toRecordView(v)]));
    const last = page[page.length - 1];
    return {
      items: page.map((c) => ({
        id: c.id,
        code: c.code,
        kind: c.kind,
        key: c.key,
        status: c.status,
        existing: c.existing_version_id ? (byId.get(c.existing_version_id) ?? null) : null,
        incoming: byId.get(c.incoming_version_id)!,
        createdAt: c.created_at,
        resolvedAt: c.resolved_at,
        decision: c.decision,
        note: c.note,
        resolvedBy: c.resolved_by,
      })),
      nextCursor: more && last ? `${last.us}.${last.id}` : null,
    };
  }
}
