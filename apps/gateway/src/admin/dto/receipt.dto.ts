import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { RECEIPT_STATUSES } from '@txng/persistence';
import { FindingDto } from './record.dto';

/** One webhook or poll page without its records (hub-interface.md, "v1 additions"). */
@ApiSchema({ name: 'ReceiptSummary' })
export class ReceiptSummaryDto {
  @ApiProperty({ description: 'The receipt id the webhook answered.' }) id!: string;
  @ApiProperty() sourceKey!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description: "The province's `X-Webhook-Id`; null for a poll page.",
  })
  webhookId!: string | null;
  @ApiProperty({ enum: RECEIPT_STATUSES }) status!:
    'stored' | 'queued' | 'processing' | 'processed' | 'failed';
  @ApiProperty({ type: String, format: 'date-time' }) receivedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) processedAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) error!: string | null;
}

@ApiSchema({ name: 'ReceiptPage' })
export class ReceiptPageDto {
  @ApiProperty({ type: [ReceiptSummaryDto] }) items!: ReceiptSummaryDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

@ApiSchema({ name: 'ReceiptRecordPortal' })
export class ReceiptRecordPortalDto {
  @ApiProperty({ type: Number, nullable: true }) version!: number | null;
  @ApiProperty({ type: String, format: 'date-time' }) syncedAt!: string;
}

@ApiSchema({ name: 'ReceiptRecordConflict' })
export class ReceiptRecordConflictDto {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'KEY_CLAIMED' }) code!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The other side is named by its province only; its data is never shown.',
  })
  otherProvinceCode!: string | null;
}

/** One record of a receipt: its outcome, findings, the conflict it opened and its version at the portal. */
@ApiSchema({ name: 'ReceiptRecord' })
export class ReceiptRecordDto {
  @ApiProperty() kind!: string;
  @ApiProperty() key!: string;
  @ApiProperty({ type: Number, nullable: true }) version!: number | null;
  @ApiProperty({
    description:
      'As in the records list: received, quarantined, duplicate, conflict, ready, synced, rejected, failed, replayed.',
  })
  status!: string;
  @ApiProperty({ type: [FindingDto] }) findings!: FindingDto[];
  @ApiProperty({ type: ReceiptRecordPortalDto, nullable: true }) portal!: ReceiptRecordPortalDto | null;
  @ApiProperty({ type: ReceiptRecordConflictDto, nullable: true }) conflict!: ReceiptRecordConflictDto | null;
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description:
      'The replay (its run or operation id) that last judged this record again with a newer mapping; null when it was judged once, on arrival.',
  })
  replayRunId!: string | null;
}

/** `GET /v1/admin/receipts/{id}`: the receipt with every record (also the `data` of a callback). */
@ApiSchema({ name: 'ReceiptDetail' })
export class ReceiptDetailDto extends ReceiptSummaryDto {
  @ApiProperty({ type: [ReceiptRecordDto] }) records!: ReceiptRecordDto[];
}
