import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, type EntityManager } from 'typeorm';
import { AuditEntryEntity } from '../entities/audit-entry.entity';

export interface AuditEvent {
  actor: string;
  action: string;
  target?: string | null;
  details?: Record<string, unknown>;
}

/** Who changed what, and when. Pass the transaction's manager so the entry commits with the change. */
@Injectable()
export class AuditService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async record(event: AuditEvent, manager: EntityManager = this.dataSource.manager): Promise<void> {
    await manager.query('INSERT INTO audit_log (actor, action, target, details) VALUES ($1, $2, $3, $4)', [
      event.actor,
      event.action,
      event.target ?? null,
      JSON.stringify(event.details ?? {}),
    ]);
  }

  /** Newest first, keyset-paged by id. */
  async list(options: {
    limit: number;
    before?: string;
  }): Promise<{ items: AuditEntryEntity[]; nextCursor: string | null }> {
    const qb = this.dataSource
      .getRepository(AuditEntryEntity)
      .createQueryBuilder('a')
      .orderBy('a.id', 'DESC')
      .limit(options.limit + 1);
    if (options.before) qb.where('a.id < :before', { before: options.before });
    const rows = await qb.getMany();
    const items = rows.slice(0, options.limit);
    return { items, nextCursor: rows.length > options.limit ? items[items.length - 1].id : null };
  }
}
