import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Mappings are never edited in place: a change is a new version, and records remember theirs. */
@Entity('mapping_version')
export class MappingVersionEntity {
  @PrimaryColumn('text', { name: 'source_key' }) sourceKey!: string;
  @PrimaryColumn('integer') version!: number;
  @Column('text') language!: 'jsonata';
  @Column('text') expression!: string;
  @Column('text', { name: 'created_by' }) createdBy!: string;
  @Column('timestamptz', { name: 'created_at', default: () => 'now()' }) createdAt!: Date;
}
