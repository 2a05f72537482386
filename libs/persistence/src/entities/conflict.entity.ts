import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type ConflictCode = 'KEY_CLAIMED' | 'GTIN_PREFIX_OWNER' | 'SERIAL_RECOMMISSIONED' | 'EVENT_ID_REUSED';
export type ConflictDecision = 'keep-existing' | 'accept-incoming' | 'reject-both';

/** An incoming version held back until an operator decides (national-model.md, "Conflicts"). */
@Entity('conflict')
export class ConflictEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text') code!: ConflictCode;
  @Column('text') kind!: string;
  @Column('text') key!: string;
  @Column('text') status!: 'open' | 'resolved';
  @Column('bigint', { name: 'existing_version_id', nullable: true }) existingVersionId!: string | null;
  @Column('bigint', { name: 'incoming_version_id' }) incomingVersionId!: string;
  @Column('timestamptz', { name: 'created_at', default: () => 'now()' }) createdAt!: Date;
  @Column('timestamptz', { name: 'resolved_at', nullable: true }) resolvedAt!: Date | null;
  @Column('text', { nullable: true }) decision!: ConflictDecision | null;
  @Column('text', { nullable: true }) note!: string | null;
  @Column('text', { name: 'resolved_by', nullable: true }) resolvedBy!: string | null;
}
