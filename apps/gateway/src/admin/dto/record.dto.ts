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

@ApiSchema({ name: 'RecordPage' })
export class RecordPageDto {
  @ApiProperty({ type: [RecordViewDto] }) items!: RecordViewDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as cursor for older items.' })
  nextCursor!: string | null;
}

@ApiSchema({ name: 'HistoryEntry' })
export class HistoryEntryDto {
  @ApiProperty() status!: string;
  @ApiProperty() reason!: string;
  @ApiProperty({ type: String, format: 'date-time' }) at!: string;
}

/** A version in a record's detail: the version with its newest status history. */
@ApiSchema({ name: 'RecordVersion' })
export class RecordVersionDto extends RecordViewDto {
  @ApiProperty({ type: [HistoryEntryDto], description: 'The newest entries, oldest first.' })
  history!: HistoryEntryDto[];
  @ApiProperty({ description: 'How many history entries the version has in all.' }) historyTotal!: number;
}

@ApiSchema({ name: 'DuplicateArrival' })
export class DuplicateArrivalDto {
  @ApiProperty() receiptId!: string;
  @ApiProperty() source!: string;
  @ApiProperty({ type: String, nullable: true }) webhookId!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true })
  pollPage!: Record<string, unknown> | null;
  @ApiProperty({ type: String, nullable: true, description: 'The version id the arrival matched.' })
  duplicateOf!: string | null;
  @ApiProperty({ type: Number, nullable: true }) version!: number | null;
  @ApiProperty({ type: String, format: 'date-time' }) at!: string;
}

@ApiSchema({ name: 'RecordConflictRef' })
export class RecordConflictRefDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'KEY_CLAIMED' }) code!: string;
  @ApiProperty({ enum: ['open', 'resolved'] }) status!: 'open' | 'resolved';
  @ApiProperty({ type: String, nullable: true }) existingVersionId!: string | null;
  @ApiProperty() incomingVersionId!: string;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: string;
}

/** One record (GET /v1/admin/records/{kind}/{key}): its face, bounded lists and their totals. */
@ApiSchema({ name: 'RecordDetail' })
export class RecordDetailDto extends RecordViewDto {
  @ApiProperty({ type: String, nullable: true }) provinceCode!: string | null;
  @ApiProperty({ type: Number, nullable: true, description: 'The version the portal holds.' })
  syncedVersion!: number | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) updatedAt!: string | null;
  @ApiProperty({
    type: [RecordVersionDto],
    description: 'The newest versions (at most `versions`, before the cursor), oldest first.',
  })
  versions!: RecordVersionDto[];
  @ApiProperty() versionsTotal!: number;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `before` for the next older page of versions; null when there is none.',
  })
  nextVersionsCursor!: string | null;
  @ApiProperty({
    type: [RecordViewDto],
    description: 'Arrivals of this key not judged yet (a check they need is held back), status `received`.',
  })
  received!: RecordViewDto[];
  @ApiProperty({
    type: [DuplicateArrivalDto],
    description: 'The newest duplicates, oldest first; all of them through GET /records?status=duplicate.',
  })
  duplicates!: DuplicateArrivalDto[];
  @ApiProperty() duplicatesTotal!: number;
  @ApiProperty({ type: [RecordConflictRefDto], description: 'The newest conflicts, oldest first.' })
  conflicts!: RecordConflictRefDto[];
  @ApiProperty() conflictsTotal!: number;
}
