import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Every status a record version passed through, with why. Append-only. */
@Entity('record_status_history')
export class RecordStatusHistoryEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column('bigint', { name: 'record_version_id' }) recordVersionId!: string;
  @Column('text') status!: string;
  @Column('text') reason!: string;
  @Column('timestamptz', { default: () => 'now()' }) at!: Date;
}
