import { type DataSource, type EntityManager, In, IsNull } from 'typeorm';
import { type AuditEvent, type AuditService } from '../audit/audit.service';
import { MappingVersionEntity, SourceEntity } from '../entities';
import { NATIONAL, type ProvinceScope } from '../scope/province-scope';

/** A mapping version as it is stored (a source's versions are numbered 1, 2, …). */
export type NewMappingVersion = Pick<
  MappingVersionEntity,
  'sourceKey' | 'version' | 'language' | 'expression' | 'createdBy'
>;

/**
 * Sources' PostgreSQL side as the operator API and the command line change them (`source`,
 * `mapping_version`, and the audit entry of each change in the same transaction): the adapter of
 * libs/connectors' `SourceAdminStore` port. What a definition may say, which stage changes are
 * allowed and how secrets are made is SourcesService's.
 */
export class PgSourceAdminRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly auditService: AuditService,
  ) {}

  async transaction<T>(fn: (tx: PgSourceAdminTx) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((m) => fn(new PgSourceAdminTx(m, this.auditService)));
  }

  /** Live sources of the scope's provinces, by province and key, with their mapping in force. */
  async list(
    scope: ProvinceScope = NATIONAL,
  ): Promise<Array<{ source: SourceEntity; mapping: MappingVersionEntity | null }>> {
    const sources = await this.dataSource.getRepository(SourceEntity).find({
      where: { deletedAt: IsNull(), ...inProvinces(scope) },
      order: { provinceCode: 'ASC', key: 'ASC' },
    });
    // Only the versions in force: a source's history of mappings can be long and is not shown here.
    const current = sources.flatMap((s) =>
      s.mappingVersion === null ? [] : [{ sourceKey: s.key, version: s.mappingVersion }],
    );
    const mappings =
      current.length === 0
        ? []
        : await this.dataSource.getRepository(MappingVersionEntity).find({ where: current });
    const byKey = new Map(mappings.map((m) => [`${m.sourceKey}#${m.version}`, m]));
    return sources.map((s) => ({ source: s, mapping: byKey.get(`${s.key}#${s.mappingVersion}`) ?? null }));
  }

  /** A live (not deleted) source of the scope's provinces; null otherwise. */
  async find(key: string, scope: ProvinceScope = NATIONAL): Promise<SourceEntity | null> {
    return this.dataSource.manager.findOne(SourceEntity, {
      where: { key, deletedAt: IsNull(), ...inProvinces(scope) },
    });
  }

  async mapping(key: string, version: number): Promise<MappingVersionEntity | null> {
    return this.dataSource
      .getRepository(MappingVersionEntity)
      .findOne({ where: { sourceKey: key, version } });
  }
}

/** One change to a source, audited in the same transaction. */
export class PgSourceAdminTx {
  constructor(
    private readonly m: EntityManager,
    private readonly auditService: AuditService,
  ) {}

  /** The source of this key, deleted or not (keys are never reused). */
  async findAny(key: string): Promise<SourceEntity | null> {
    return this.m.findOne(SourceEntity, { where: { key }, withDeleted: true });
  }

  /** The live source of this key in the scope, locked until the transaction ends; null otherwise. */
  async lock(key: string, scope: ProvinceScope = NATIONAL): Promise<SourceEntity | null> {
    return this.m.findOne(SourceEntity, {
      where: { key, deletedAt: IsNull(), ...inProvinces(scope) },
      lock: { mode: 'pessimistic_write' },
    });
  }

  async insert(source: Partial<SourceEntity>): Promise<void> {
    await this.m.insert(SourceEntity, source);
  }

  async insertMapping(mapping: NewMappingVersion): Promise<void> {
    await this.m.insert(MappingVersionEntity, mapping);
  }

  async update(key: string, changes: Partial<SourceEntity>): Promise<void> {
    await this.m.update(SourceEntity, { key }, changes);
  }

  async audit(event: AuditEvent): Promise<void> {
    await this.auditService.record(event, this.m);
  }
}

/** The where-clause part that keeps a query inside a province scope. */
function inProvinces(scope: ProvinceScope): { provinceCode?: ReturnType<typeof In<string>> } {
  return scope === null ? {} : { provinceCode: In([...scope]) };
}
