import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type RecordVersionStatus = 'ready' | 'quarantined' | 'conflict' | 'rejected' | 'synced' | 'failed';

export interface StoredFinding {
  code: string;
  message: string;
  path: string;
}

/**
 * One arrival the hub holds: an accepted version (numbered 1..N per key), or a quarantined or
 * conflicting one (no number). `kind = 'receipt'` marks a body that could not be parsed or mapped.
 */
@Entity('record_version')
export class RecordVersionEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column('text') kind!: string;
  @Column('text') key!: string;
  @Column('integer', { nullable: true }) version!: number | null;
  @Column('text', { name: 'content_hash' }) contentHash!: string;
  @Column('jsonb') data!: unknown;
  @Column('text') status!: RecordVersionStatus;
  @Column('jsonb') findings!: StoredFinding[];
  @Column('text', { nullable: true }) claimant!: string | null;
  @Column('text', { name: 'event_id', nullable: true }) eventId!: string | null;
  @Column('text', { name: 'source_key' }) sourceKey!: string;
  @Column('uuid', { name: 'receipt_id' }) receiptId!: string;
  @Column('integer', { name: 'item_index' }) itemIndex!: number;
  @Column('integer', { name: 'mapping_version', nullable: true }) mappingVersion!: number | null;
  @Column('text', { name: 'webhook_id', nullable: true }) webhookId!: string | null;
  @Column('jsonb', { name: 'poll_page', nullable: true }) pollPage!: Record<string, unknown> | null;
  /** Sync (docs/sync.md): the portal version it was or will be sent as, and what came of it. */
  @Column('integer', { name: 'portal_version', nullable: true }) portalVersion!: number | null;
  @Column('text', { name: 'portal_id', nullable: true }) portalId!: string | null;
  @Column('text', { name: 'sync_target', nullable: true }) syncTarget!: 'production' | 'sandbox' | null;
  @Column('timestamptz', { name: 'synced_at', nullable: true }) syncedAt!: Date | null;
  @Column('integer', { name: 'sync_attempts', default: 0 }) syncAttempts!: number;
  @Column('jsonb', { name: 'sync_error', nullable: true }) syncError!: Record<string, unknown> | null;
  @Column('bigint', { name: 'sync_batch_id', nullable: true }) syncBatchId!: string | null;
  @Column('timestamptz', { name: 'created_at', default: () => 'now()' }) createdAt!: Date;
  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' }) updatedAt!: Date;
}
