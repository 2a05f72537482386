import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';

@ApiSchema({ name: 'Finding' })
export class FindingDto {
  @ApiProperty({ example: 'GTIN_CHECK_DIGIT' }) code!: string;
  @ApiProperty() message!: string;
  @ApiProperty({ description: 'Where in the record, e.g. `/gtin`.' }) path!: string;
  @ApiPropertyOptional({
    enum: ['warning'],
    description: 'A warning travels with an accepted version; any other finding quarantines its record.',
  })
  severity?: 'warning';
}

/** One record version (or a held arrival) as the operator API shows it. */
@ApiSchema({ name: 'RecordView' })
export class RecordViewDto {
  @ApiProperty({ description: 'The record_version id (for duplicates: the id of the version it matched).' })
  id!: string;
  @ApiProperty() kind!: string;
  @ApiProperty() key!: string;
  @ApiProperty({ type: Number, nullable: true }) version!: number | null;
  @ApiProperty() status!: string;
  @ApiProperty({ type: [FindingDto] }) findings!: FindingDto[];
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The normalised national-model record.',
  })
  data!: Record<string, unknown>;
  @ApiProperty() contentHash!: string;
  @ApiProperty({ type: String, nullable: true }) claimant!: string | null;
  @ApiProperty() source!: string;
  @ApiProperty() receiptId!: string;
  @ApiProperty({ type: String, nullable: true }) webhookId!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true })
  pollPage!: Record<string, unknown> | null;
  @ApiProperty({ type: Number, nullable: true }) mappingVersion!: number | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: string;
}
