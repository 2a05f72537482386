import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type ReceiptRecordOutcome = 'new' | 'version' | 'duplicate' | 'quarantined' | 'conflict';

/**
 * How the record at `itemIndex` of a receipt was judged, linked to the version it made or matched.
 * Duplicates live only here. Unique per (receipt, index): a receipt processed twice adds nothing.
 */
@Entity('receipt_record')
export class ReceiptRecordEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column('uuid', { name: 'receipt_id' }) receiptId!: string;
  @Column('integer', { name: 'item_index' }) itemIndex!: number;
  @Column('text') kind!: string;
  @Column('text') key!: string;
  @Column('text') outcome!: ReceiptRecordOutcome;
  @Column('bigint', { name: 'record_version_id', nullable: true }) recordVersionId!: string | null;
  @Column('timestamptz', { name: 'created_at', default: () => 'now()' }) createdAt!: Date;
}
