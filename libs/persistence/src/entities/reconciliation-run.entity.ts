import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export interface ReconciliationDifference {
  kind: string;
  key: string;
  /** The portal version the hub believes the portal holds (0 = none). */
  hubVersion: number;
  /** What the portal answered on read-back (null = it holds no such key). */
  portalVersion: number | null;
  /** What reconciliation did about it (docs/sync.md, "Reconciliation"). */
  action?: string;
}

/** One comparison of the hub's synced records of a province with the portal's (docs/sync.md). */
@Entity('reconciliation_run')
export class ReconciliationRunEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column('text', { name: 'province_code' }) provinceCode!: string;
  @Column('text') target!: 'production' | 'sandbox';
  /** `schedule`, `operator`, or `sync` (a stale or VERSION_GAP answer asked for one). */
  @Column('text') trigger!: string;
  @Column('text', { name: 'requested_by', nullable: true }) requestedBy!: string | null;
  @Column('timestamptz', { name: 'started_at' }) startedAt!: Date;
  @Column('timestamptz', { name: 'finished_at', nullable: true }) finishedAt!: Date | null;
  @Column('jsonb', { name: 'hub_counts', nullable: true }) hubCounts!: Record<string, number> | null;
  @Column('jsonb', { name: 'portal_counts', nullable: true }) portalCounts!: Record<string, number> | null;
  @Column('text', { name: 'hub_digest', nullable: true }) hubDigest!: string | null;
  @Column('text', { name: 'portal_digest', nullable: true }) portalDigest!: string | null;
  @Column('boolean', { nullable: true }) agreed!: boolean | null;
  @Column('jsonb') differing!: ReconciliationDifference[];
  /** Keys read back from the portal; `unchecked` were not (bounded read-back). */
  @Column('integer') checked!: number;
  @Column('integer') unchecked!: number;
  /** How many more keys the portal holds for the province than the hub knows it sent (when ≥ 0). */
  @Column('integer', { name: 'portal_only', nullable: true }) portalOnly!: number | null;
  @Column('integer') repaired!: number;
  @Column('text', { nullable: true }) error!: string | null;
  /** The operation of a run an operator asked for (docs/adr/0006-operations.md); null for scheduled runs. */
  @Column('uuid', { name: 'operation_id', nullable: true }) operationId!: string | null;
}
