import { ApiProperty, ApiSchema } from '@nestjs/swagger';

@ApiSchema({ name: 'SearchHit' })
export class SearchHitDto {
  @ApiProperty() kind!: string;
  @ApiProperty() key!: string;
  @ApiProperty({
    type: Number,
    nullable: true,
    description:
      "The record's latest accepted version, or null when only quarantined/conflicting arrivals exist.",
  })
  version!: number | null;
  @ApiProperty() status!: string;
  @ApiProperty() source!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description: "The record's province: the record's own, else its data's, else its source's.",
  })
  provinceCode!: string | null;
  @ApiProperty({
    type: [String],
    description: 'How the query matched: key, key-prefix, data field, webhook-id, event-id.',
  })
  matchedBy!: string[];
  @ApiProperty({ type: String, format: 'date-time' }) at!: string;
}

@ApiSchema({ name: 'ReceiptHit' })
export class ReceiptHitDto {
  @ApiProperty() id!: string;
  @ApiProperty() source!: string;
  @ApiProperty({ type: String, nullable: true }) webhookId!: string | null;
  @ApiProperty() status!: string;
  @ApiProperty({ type: String, format: 'date-time' }) receivedAt!: string;
}

@ApiSchema({ name: 'SearchAnswer' })
export class SearchAnswerDto {
  @ApiProperty({ description: 'The query as searched (NFC, trimmed).' }) query!: string;
  @ApiProperty({ type: [SearchHitDto] }) items!: SearchHitDto[];
  @ApiProperty({ type: [ReceiptHitDto] }) receipts!: ReceiptHitDto[];
}
