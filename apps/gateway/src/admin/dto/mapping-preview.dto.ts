import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { PAYLOAD_LIMITS } from '@txng/mapping';
import { RECORD_KINDS } from '@txng/national-model';
import { FindingDto } from './record.dto';

@ApiSchema({ name: 'PreviewRecord' })
export class PreviewRecordDto {
  @ApiProperty({ enum: RECORD_KINDS }) kind!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'Null when the fields the key is built from are missing (a REQUIRED_FIELD finding says which).',
  })
  key!: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The normalised national-model record.',
  })
  data!: Record<string, unknown>;
  @ApiProperty({
    type: [FindingDto],
    description: 'Validation findings; paths are JSON Pointers into `data`. Empty: the record may be synced.',
  })
  findings!: FindingDto[];
}

@ApiSchema({ name: 'TextPosition' })
export class TextPositionDto {
  @ApiProperty() line!: number;
  @ApiProperty() column!: number;
}

@ApiSchema({ name: 'FindingDetail' })
export class FindingDetailDto {
  @ApiProperty() path!: string;
  @ApiProperty() message!: string;
}

@ApiSchema({ name: 'PayloadLimit' })
export class PayloadLimitDto {
  @ApiProperty({ enum: Object.keys(PAYLOAD_LIMITS) }) name!: string;
  @ApiProperty() max!: number;
}

/** A finding about the body or the mapping as a whole (the sample did not make records). */
@ApiSchema({ name: 'PreviewFinding' })
export class PreviewFindingDto {
  @ApiProperty({
    enum: [
      'MALFORMED_PAYLOAD',
      'MAPPING_INVALID',
      'MAPPING_FAILED',
      'MAPPING_TIMEOUT',
      'MAPPING_OUT_OF_MEMORY',
      'INTERNAL_ERROR',
    ],
  })
  code!: string;
  @ApiProperty() message!: string;
  @ApiProperty({ description: "JSON Pointer into the payload when known, else ''." }) path!: string;
  @ApiPropertyOptional({
    type: TextPositionDto,
    description: 'Line and column in the body (parse errors of text formats).',
  })
  where?: TextPositionDto;
  @ApiPropertyOptional({ description: 'Character offset in the mapping expression (mapping errors).' })
  position?: number;
  @ApiPropertyOptional({ description: 'The token the mapping stopped at.' }) token?: string;
  @ApiPropertyOptional({
    type: [FindingDetailDto],
    description: 'Structured reasons, e.g. envelope schema errors.',
  })
  details?: FindingDetailDto[];
  @ApiPropertyOptional({
    type: PayloadLimitDto,
    description: 'The parser limit the body is over, and its value.',
  })
  limit?: PayloadLimitDto;
}

/** What preview and preview-draft answer: the records a sample makes, and findings about it as a whole. */
@ApiSchema({ name: 'PreviewAnswer' })
export class PreviewAnswerDto {
  @ApiProperty({ type: [PreviewRecordDto] }) records!: PreviewRecordDto[];
  @ApiProperty({ type: [PreviewFindingDto] }) findings!: PreviewFindingDto[];
}

const CHANGES = ['changed', 'appeared', 'disappeared', 'fixed', 'broken'] as const;

@ApiSchema({ name: 'TrialChange' })
export class TrialChangeDto {
  @ApiProperty() receiptId!: string;
  @ApiProperty({ enum: RECORD_KINDS }) kind!: string;
  @ApiProperty({ type: String, nullable: true }) key!: string | null;
  @ApiProperty({ enum: CHANGES }) change!: (typeof CHANGES)[number];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'What the hub made of it (status), when it holds it.',
  })
  storedStatus!: string | null;
  @ApiProperty({ type: [String], description: 'Codes of the blocking findings the mapping in force raises.' })
  liveFindings!: string[];
  @ApiProperty({ type: [String], description: 'Codes of the blocking findings the draft raises.' })
  draftFindings!: string[];
}

@ApiSchema({ name: 'TrialLimits' })
export class TrialLimitsDto {
  @ApiProperty() receipts!: number;
  @ApiProperty() bytes!: number;
  @ApiProperty() ms!: number;
}

@ApiSchema({ name: 'TrialRead' })
export class TrialReadDto {
  @ApiProperty({ description: 'Receipts tried.' }) receipts!: number;
  @ApiProperty({ description: 'Bytes of their bodies.' }) bytes!: number;
  @ApiProperty({ description: 'Receipts skipped: their bodies were purged.' }) purged!: number;
  // OpenAPI 3.0: a nullable enum lists null among its values, or null is not one of them (the
  // decorator's type knows only non-null values).
  @ApiProperty({
    enum: ['bytes', 'time', null] as unknown as string[],
    nullable: true,
    description: 'Which bound stopped it early; null when neither did.',
  })
  stoppedBy!: 'bytes' | 'time' | null;
}

@ApiSchema({ name: 'LiveDraftCount' })
export class LiveDraftCountDto {
  @ApiProperty() live!: number;
  @ApiProperty() draft!: number;
}

@ApiSchema({ name: 'TrialRecordCounts' })
export class TrialRecordCountsDto extends LiveDraftCountDto {
  @ApiProperty() unchanged!: number;
}

@ApiSchema({ name: 'TrialChangeCounts' })
export class TrialChangeCountsDto {
  @ApiProperty() changed!: number;
  @ApiProperty() appeared!: number;
  @ApiProperty() disappeared!: number;
  @ApiProperty() fixed!: number;
  @ApiProperty() broken!: number;
}

@ApiSchema({ name: 'TrialFindingCount' })
export class TrialFindingCountDto extends LiveDraftCountDto {
  @ApiProperty() code!: string;
}

@ApiSchema({ name: 'UnreadField' })
export class UnreadFieldDto {
  @ApiProperty() path!: string;
  @ApiProperty({ description: 'How many payloads carry it.' }) payloads!: number;
}

/** What try-mapping answers: the draft against the mapping in force, on the source's newest payloads. */
@ApiSchema({ name: 'MappingTrial' })
export class MappingTrialDto {
  @ApiProperty({ type: Number, nullable: true }) liveVersion!: number | null;
  @ApiProperty({ type: TrialLimitsDto }) limits!: TrialLimitsDto;
  @ApiProperty({ type: TrialReadDto }) read!: TrialReadDto;
  @ApiProperty() receipts!: number;
  @ApiProperty({
    type: LiveDraftCountDto,
    description: 'Receipts whose body (or mapping) failed as a whole.',
  })
  failed!: LiveDraftCountDto;
  @ApiProperty({ type: TrialRecordCountsDto }) records!: TrialRecordCountsDto;
  @ApiProperty({ type: TrialChangeCountsDto }) counts!: TrialChangeCountsDto;
  @ApiProperty({ description: 'Stored quarantined records of these receipts the draft would make clean.' })
  fixesQuarantined!: number;
  @ApiProperty({
    type: [TrialFindingCountDto],
    description: 'Per finding code: how often each mapping raises it.',
  })
  findings!: TrialFindingCountDto[];
  @ApiProperty({ type: [TrialChangeDto], description: 'The first records that differ.' })
  changes!: TrialChangeDto[];
  @ApiProperty({
    type: [String],
    description: 'Receipts with any difference (replaying them applies the draft).',
  })
  affectedReceipts!: string[];
  @ApiProperty({
    type: [UnreadFieldDto],
    nullable: true,
    description: 'Payload fields the draft never reads; null when it may read any.',
  })
  unreadFields!: UnreadFieldDto[] | null;
  @ApiProperty({ description: 'Stopped early at the time budget (the rest was not tried).' })
  stoppedByTime!: boolean;
}
