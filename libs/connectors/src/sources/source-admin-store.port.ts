import {
  type AuditEvent,
  type MappingVersionEntity,
  type NewMappingVersion,
  type ProvinceScope,
  type SourceEntity,
} from '@txng/persistence';

/** Injection token of the sources' store for the operator API (libs/persistence: PgSourceAdminRepository). */
export const SOURCE_ADMIN_STORE = Symbol('SOURCE_ADMIN_STORE');

/** One change to a source, audited in the same transaction. */
export interface SourceAdminTx {
  /** The source of this key, deleted or not (keys are never reused). */
  findAny(key: string): Promise<SourceEntity | null>;
  /** The live source of this key in the scope, locked until the transaction ends; null otherwise. */
  lock(key: string, scope?: ProvinceScope): Promise<SourceEntity | null>;
  insert(source: Partial<SourceEntity>): Promise<void>;
  insertMapping(mapping: NewMappingVersion): Promise<void>;
  update(key: string, changes: Partial<SourceEntity>): Promise<void>;
  audit(event: AuditEvent): Promise<void>;
}

/** What onboarding needs of sources in storage; the rules (definitions, stages, secrets) are SourcesService's. */
export interface SourceAdminStore {
  transaction<T>(fn: (tx: SourceAdminTx) => Promise<T>): Promise<T>;
  /** Live sources of the scope's provinces, by province and key, with their mapping in force. */
  list(scope?: ProvinceScope): Promise<Array<{ source: SourceEntity; mapping: MappingVersionEntity | null }>>;
  /** A live (not deleted) source of the scope's provinces; null otherwise. */
  find(key: string, scope?: ProvinceScope): Promise<SourceEntity | null>;
  mapping(key: string, version: number): Promise<MappingVersionEntity | null>;
}
