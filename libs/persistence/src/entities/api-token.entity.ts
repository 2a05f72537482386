import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

export type Role = 'viewer' | 'operator' | 'admin';

@Entity('api_token')
export class ApiTokenEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('text') name!: string;
  @Column('text') role!: Role;
  /** Province codes this token is limited to; null for the whole country (hub-interface.md, "v1 additions"). */
  @Column('text', { array: true, nullable: true }) provinces!: string[] | null;
  @Column('text', { name: 'token_hash' }) tokenHash!: string;
  @Column('text', { name: 'created_by' }) createdBy!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column('timestamptz', { name: 'last_used_at', nullable: true }) lastUsedAt!: Date | null;
  @Column('timestamptz', { name: 'revoked_at', nullable: true }) revokedAt!: Date | null;
}
