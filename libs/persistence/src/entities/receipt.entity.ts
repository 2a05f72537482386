import { Column, Entity, PrimaryColumn } from 'typeorm';

export type ReceiptStatus = 'stored' | 'queued' | 'processing' | 'processed' | 'failed';

/** One body as a province sent it (webhook) or as the hub fetched it (one poll page). */
@Entity('receipt')
export class ReceiptEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('text', { name: 'source_key' }) sourceKey!: string;
  @Column('text') origin!: 'webhook' | 'poll';
  @Column('text', { name: 'webhook_id', nullable: true }) webhookId!: string | null;
  @Column('jsonb', { name: 'poll_page', nullable: true }) pollPage!: Record<string, unknown> | null;
  @Column('text', { name: 'content_type' }) contentType!: string;
  /** Null once purged after the retention period (body_purged_at); the digest stays. */
  @Column('bytea', { nullable: true }) body!: Buffer | null;
  @Column('text', { name: 'body_sha256' }) bodySha256!: string;
  @Column('integer', { name: 'size_bytes' }) sizeBytes!: number;
  @Column('integer', { name: 'record_count', nullable: true }) recordCount!: number | null;
  @Column('integer', { name: 'mapping_version', nullable: true }) mappingVersion!: number | null;
  @Column('text') status!: ReceiptStatus;
  @Column('text', { nullable: true }) error!: string | null;
  @Column('timestamptz', { name: 'received_at', default: () => 'now()' }) receivedAt!: Date;
  @Column('timestamptz', { name: 'queued_at', nullable: true }) queuedAt!: Date | null;
  @Column('timestamptz', { name: 'processed_at', nullable: true }) processedAt!: Date | null;
  @Column('timestamptz', { name: 'body_purged_at', nullable: true }) bodyPurgedAt!: Date | null;
  /**
   * The envelope the mapping made of the body at intake (JSON text), until the receipt's job begins;
   * read only by `PgReceiptRepository.find` (the ingest worker), so no other read carries it.
   */
  @Column('text', { name: 'mapped_envelope', nullable: true, select: false }) mappedEnvelope!:
    | string
    | null;
}
