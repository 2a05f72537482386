import { type DataSource } from 'typeorm';
import { type RecordView, toRecordView, VERSION_COLUMNS, type VersionSqlRow } from '../records/record-view';
import { NATIONAL, type ProvinceScope, scopeParam, sourceInScope } from '../scope/province-scope';

export interface ConflictView {
  id: string;
  code: string;
  kind: string;
  key: string;
  status: 'open' | 'resolved';
  existing: RecordView | WithheldSide | null;
  incoming: RecordView | WithheldSide;
  createdAt: Date;
  resolvedAt: Date | null;
  decision: string | null;
  note: string | null;
  resolvedBy: string | null;
}

/**
 * A side of a conflict that lies outside the reader's provinces: which province, kind and key, never
 * its data (hub-interface.md, "v1 additions").
 */
export interface WithheldSide {
  withheld: true;
  provinceCode: string | null;
  kind: string;
  key: string;
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

  /** One conflict by id, with both sides; null if unknown (or neither side is in the scope). */
  async get(id: string, scope: ProvinceScope = NATIONAL): Promise<ConflictView | null> {
    const page = await this.list({ id, limit: 1 }, scope);
    return page.items[0] ?? null;
  }

  /**
   * A province scope sees the conflicts one side of which came through its sources, in SQL; the
   * other side is withheld (province, kind and key only).
   */
  async list(
    f: ConflictFilter & { id?: string },
    scope: ProvinceScope = NATIONAL,
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
            AND (${sourceInScope('(SELECT source_key FROM record_version WHERE id = c.incoming_version_id)', 8)}
              OR ${sourceInScope('(SELECT source_key FROM record_version WHERE id = c.existing_version_id)', 8)})
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
        scopeParam(scope),
      ],
    );
    const more = rows.length > f.limit;
    const page = more ? rows.slice(0, f.limit) : rows;
    const ids = page.flatMap((c) =>
      c.existing_version_id ? [c.existing_version_id, c.incoming_version_id] : [c.incoming_version_id],
    );
    const versions: Array<VersionSqlRow & { province_code: string | null }> =
      ids.length === 0
        ? []
        : await this.dataSource.query(
            `SELECT ${VERSION_COLUMNS}, s.province_code FROM record_version v LEFT JOIN source s ON s.key = v.source_key
              WHERE v.id = ANY($1::bigint[])`,
            [ids],
          );
    const byId = new Map(
      versions.map((v): [string, RecordView | WithheldSide] => [
        v.id,
        scope === null || (v.province_code !== null && scope.includes(v.province_code))
          ? toRecordView(v)
          : { withheld: true, provinceCode: v.province_code, kind: v.kind, key: v.key },
      ]),
    );
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
