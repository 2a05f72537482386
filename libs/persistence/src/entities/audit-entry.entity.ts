import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('audit_log')
export class AuditEntryEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column('timestamptz', { default: () => 'now()' }) at!: Date;
  @Column('text') actor!: string;
  @Column('text') action!: string;
  @Column('text', { nullable: true }) target!: string | null;
  @Column('jsonb', { default: {} }) details!: Record<string, unknown>;
  /** The provinces the entry concerns; null for the Center's own actions (tokens, queues). */
  @Column('text', { name: 'province_codes', array: true, nullable: true }) provinceCodes!: string[] | null;
}
