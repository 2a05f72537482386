import { ApiExtraModels, ApiProperty, ApiSchema } from '@nestjs/swagger';

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
    description: 'How the query matched: key, key-prefix, data, identifier, webhook-id, event-id, receipt.',
  })
  matchedBy!: string[];
  @ApiProperty({ description: 'The key is one the query names exactly (ranked first).' }) exact!: boolean;
  @ApiProperty({ type: String, format: 'date-time' }) at!: string;
}

@ApiSchema({ name: 'ReceiptHit' })
export class ReceiptHitDto {
  @ApiProperty() id!: string;
  @ApiProperty() source!: string;
  @ApiProperty({ type: String, nullable: true }) webhookId!: string | null;
  @ApiProperty() status!: string;
  @ApiProperty({ type: String, format: 'date-time' }) receivedAt!: string;
  @ApiProperty({ description: 'The receipt id is the query.' }) exact!: boolean;
}

@ApiSchema({ name: 'SearchUnderstood' })
export class SearchUnderstoodDto {
  @ApiProperty({
    enum: [
      'digital-link',
      'element-string',
      'epc-urn',
      'gtin',
      'gln',
      'sscc',
      'tax-code',
      'record-key',
      'receipt-id',
      'text',
    ],
  })
  as!: string;
  @ApiProperty({
    type: [String],
    description: 'Record keys the text names exactly, the most specific first.',
  })
  keys!: string[];
}

@ApiSchema({ name: 'SearchBest' })
export class SearchBestDto {
  @ApiProperty({ description: "A record kind, or 'receipt'." }) kind!: string;
  @ApiProperty({ description: 'The record key, or the receipt id.' }) key!: string;
}

@ApiSchema({ name: 'SearchGroup' })
@ApiExtraModels(SearchHitDto, ReceiptHitDto)
export class SearchGroupDto {
  @ApiProperty({ enum: ['product', 'lot', 'location', 'organization', 'event', 'receipt'] }) kind!: string;
  @ApiProperty({ description: 'Hits of this kind; a lower bound when complete is false.' }) total!: number;
  @ApiProperty() complete!: boolean;
  @ApiProperty({
    type: 'array',
    items: {
      oneOf: [{ $ref: '#/components/schemas/SearchHit' }, { $ref: '#/components/schemas/ReceiptHit' }],
    },
    description: "One page: SearchHit items, or ReceiptHit items in the 'receipt' group.",
  })
  items!: Array<SearchHitDto | ReceiptHitDto>;
  @ApiProperty({ type: String, nullable: true, description: 'Pass as cursor with kind for the next page.' })
  nextCursor!: string | null;
}

@ApiSchema({ name: 'SearchAnswer' })
export class SearchAnswerDto {
  @ApiProperty({ description: 'The query as searched (NFC, trimmed).' }) query!: string;
  @ApiProperty({ type: [SearchHitDto] }) items!: SearchHitDto[];
  @ApiProperty({ type: [ReceiptHitDto] }) receipts!: ReceiptHitDto[];
  @ApiProperty({ type: SearchUnderstoodDto }) understood!: SearchUnderstoodDto;
  @ApiProperty({ type: SearchBestDto, nullable: true }) best!: SearchBestDto | null;
  @ApiProperty({ type: [SearchGroupDto] }) groups!: SearchGroupDto[];
}
