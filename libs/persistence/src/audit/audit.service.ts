import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, type EntityManager } from 'typeorm';
import { AuditEntryEntity } from '../entities/audit-entry.entity';
import { NATIONAL, type ProvinceScope, scopeParam } from '../scope/province-scope';

export interface AuditEvent {
  actor: string;
  action: string;
  target?: string | null;
  details?: Record<string, unknown>;
  /** The provinces the entry concerns, when the writer knows them; else derived (see record). */
  provinceCodes?: string[];
}

/**
 * The provinces an entry concerns, found in SQL from what it names, so no writer can forget them:
 * a source's action (`source.*`, or `details.sourceKey` as a replay has) is its source's province;
 * a conflict's resolution concerns the provinces of both sides; a reconciliation names its province
 * in its target. Anything else (tokens, queues, the board) is the Center's own: null.
 */
const DERIVED_PROVINCES = `CASE
    WHEN $6::text IS NOT NULL THEN (SELECT array_agg(province_code) FROM source WHERE key = $6::text)
    WHEN $2 = 'conflict.resolve' THEN (
      SELECT array_agg(DISTINCT s.province_code) FROM conflict c
        JOIN record_version v ON v.id = c.incoming_version_id OR v.id = c.existing_version_id
        JOIN source s ON s.key = v.source_key
       WHERE c.id::text = $3)
    WHEN $3 LIKE 'province:%' THEN ARRAY[substr($3, 10)]
  END`;

/** Who changed what, and when. Pass the transaction's manager so the entry commits with the change. */
@Injectable()
export class AuditService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async record(event: AuditEvent, manager: EntityManager = this.dataSource.manager): Promise<void> {
    const detailsSource = event.details?.sourceKey;
    const sourceKey = event.action.startsWith('source.')
      ? (event.target ?? null)
      : typeof detailsSource === 'string'
        ? detailsSource
        : null;
    await manager.query(
      `INSERT INTO audit_log (actor, action, target, details, province_codes)
       VALUES ($1, $2, $3, $4, COALESCE($5::text[], ${DERIVED_PROVINCES}))`,
      [
        event.actor,
        event.action,
        event.target ?? null,
        JSON.stringify(event.details ?? {}),
        event.provinceCodes ?? null,
        sourceKey,
      ],
    );
  }

  /** Newest first, keyset-paged by id; a province scope sees only entries that concern its provinces. */
  async list(
    options: {
      limit: number;
      before?: string;
    },
    scope: ProvinceScope = NATIONAL,
  ): Promise<{ items: AuditEntryEntity[]; nextCursor: string | null }> {
    const qb = this.dataSource
      .getRepository(AuditEntryEntity)
      .createQueryBuilder('a')
      .orderBy('a.id', 'DESC')
      .limit(options.limit + 1);
    if (options.before) qb.andWhere('a.id < :before', { before: options.before });
    if (scope !== null) qb.andWhere('a.province_codes && :scope::text[]', { scope: scopeParam(scope) });
    const rows = await qb.getMany();
    const items = rows.slice(0, options.limit);
    return { items, nextCursor: rows.length > options.limit ? items[items.length - 1].id : null };
  }
}
