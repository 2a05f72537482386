import { Column, Entity, PrimaryColumn } from 'typeorm';

export type RecordKindName = 'organization' | 'location' | 'product' | 'lot' | 'event';
export type RecordStatus = 'received' | 'conflict' | 'ready' | 'synced' | 'rejected' | 'failed';

/**
 * The current state of one (kind, key). Its row is also the lock every pipeline decision about the
 * key takes (`SELECT … FOR UPDATE`), so versions are numbered without gaps or repeats.
 */
@Entity('record')
export class RecordEntity {
  @PrimaryColumn('text') kind!: RecordKindName;
  @PrimaryColumn('text') key!: string;
  @Column('text', { name: 'province_code', nullable: true }) provinceCode!: string | null;
  @Column('integer', { name: 'latest_version' }) latestVersion!: number;
  @Column('bigint', { name: 'latest_version_id', nullable: true }) latestVersionId!: string | null;
  @Column('text', { name: 'latest_content_hash', nullable: true }) latestContentHash!: string | null;
  /** Tax code, or `source:<key>` where the kind has no owner field. */
  @Column('text', { nullable: true }) claimant!: string | null;
  @Column('text', { name: 'source_key', nullable: true }) sourceKey!: string | null;
  @Column('text') status!: RecordStatus;
  @Column('integer', { name: 'synced_version', nullable: true }) syncedVersion!: number | null;
  /** Versions the production portal holds of this key from the hub (sync, docs/sync.md). */
  @Column('integer', { name: 'portal_version', default: 0 }) portalVersion!: number;
  @Column('text', { name: 'portal_id', nullable: true }) portalId!: string | null;
  @Column('timestamptz', { name: 'created_at', default: () => 'now()' }) createdAt!: Date;
  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' }) updatedAt!: Date;
}
