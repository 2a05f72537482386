import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';

const FORMATS = ['json', 'xml', 'csv', 'epcis-json', 'epcis-xml'];
const STAGES = ['draft', 'testing', 'active', 'paused'];

@ApiSchema({ name: 'PollAuth' })
export class PollAuthDto {
  @ApiProperty({ enum: ['none', 'apiKey', 'basic', 'oauth2'] }) type!: 'none' | 'apiKey' | 'basic' | 'oauth2';
  @ApiPropertyOptional({ enum: ['header', 'query'] }) in?: 'header' | 'query';
  @ApiPropertyOptional({ description: 'The API key header or query parameter.' }) name?: string;
  @ApiPropertyOptional() username?: string;
  @ApiPropertyOptional({ description: 'Credentials in it are masked.' }) tokenUrl?: string;
  @ApiPropertyOptional() clientId?: string;
  @ApiPropertyOptional() scope?: string;
}

@ApiSchema({ name: 'PollPagination' })
export class PollPaginationDto {
  @ApiProperty({ enum: ['page', 'cursor', 'updatedSince'] }) type!: 'page' | 'cursor' | 'updatedSince';
  @ApiProperty() param!: string;
  @ApiPropertyOptional() startAt?: number;
  @ApiPropertyOptional() sizeParam?: string;
  @ApiPropertyOptional() size?: number;
  @ApiPropertyOptional() nextCursorPath?: string;
  @ApiPropertyOptional() recordTimePath?: string;
}

/** A poll source's settings, never its secrets (those are stored encrypted and not shown). */
@ApiSchema({ name: 'PollSettings' })
export class PollSettingsDto {
  @ApiProperty({ description: 'Credentials in it (user:password@, ?token=) are masked.' }) url!: string;
  @ApiProperty() intervalSeconds!: number;
  @ApiPropertyOptional() itemsPath?: string;
  @ApiPropertyOptional({
    description: 'A dotted path to the total number of items the province reports on a page; a backfill shows its percent of it.',
  })
  totalPath?: string;
  @ApiPropertyOptional() timeoutSeconds?: number;
  @ApiProperty({ type: PollAuthDto }) auth!: PollAuthDto;
  @ApiProperty({ type: PollPaginationDto }) pagination!: PollPaginationDto;
}

@ApiSchema({ name: 'SourcePolicy' })
export class SourcePolicyDto {
  @ApiPropertyOptional({
    description: 'Products must carry an image URL to publish (Circular 02/2024 Art. 6.5).',
  })
  requireProductImage?: boolean;
  @ApiPropertyOptional({ description: 'Net content is required to publish (default true).' })
  requireNetContent?: boolean;
}

@ApiSchema({ name: 'SourceCallback' })
export class SourceCallbackDto {
  @ApiProperty() url!: string;
  @ApiProperty({
    type: 'array',
    items: { type: 'string', enum: ['receipt.processed', 'receipt.synced', 'conflict.resolved'] },
  })
  events!: Array<'receipt.processed' | 'receipt.synced' | 'conflict.resolved'>;
}

@ApiSchema({ name: 'SourceMapping' })
export class SourceMappingDto {
  @ApiProperty() version!: number;
  @ApiProperty({ example: 'jsonata' }) language!: string;
  @ApiProperty() expression!: string;
}

/** A provincial source as the operator API shows it (docs/contracts/hub-interface.md, "Sources"). */
@ApiSchema({ name: 'SourceView' })
export class SourceViewDto {
  @ApiProperty() key!: string;
  @ApiProperty({ example: '92' }) provinceCode!: string;
  @ApiProperty({ type: String, nullable: true }) provinceName!: string | null;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['webhook', 'poll'] }) kind!: 'webhook' | 'poll';
  @ApiProperty({ enum: FORMATS }) format!: 'json' | 'xml' | 'csv' | 'epcis-json' | 'epcis-xml';
  @ApiProperty({ enum: STAGES }) stage!: 'draft' | 'testing' | 'active' | 'paused';
  @ApiProperty({
    enum: [...STAGES, 'unhealthy'],
    description: 'The stage, or `unhealthy` for a testing or active source that is.',
  })
  status!: 'draft' | 'testing' | 'active' | 'paused' | 'unhealthy';
  @ApiProperty({ enum: ['healthy', 'unhealthy'] }) health!: 'healthy' | 'unhealthy';
  @ApiProperty({ type: SourceMappingDto, nullable: true, description: 'The mapping in force.' })
  mapping!: SourceMappingDto | null;
  @ApiProperty({ type: PollSettingsDto, nullable: true }) poll!: PollSettingsDto | null;
  @ApiProperty() maxBodyBytes!: number;
  @ApiProperty() rateLimitPerMinute!: number;
  @ApiProperty() rateLimitBytesPerMinute!: number;
  @ApiProperty({ type: SourcePolicyDto }) policy!: SourcePolicyDto;
  @ApiProperty({ type: String, nullable: true, example: '/v1/webhooks/can-tho' }) webhookPath!: string | null;
  @ApiProperty({
    type: SourceCallbackDto,
    nullable: true,
    description: 'Where the hub calls the province back, and for which events (never the secret).',
  })
  callback!: SourceCallbackDto | null;
  @ApiProperty({ type: Number, nullable: true }) expectedIntervalMinutes!: number | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastReceiptAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastPollAt!: string | null;
  @ApiProperty() consecutiveFailures!: number;
  @ApiProperty({ type: String, nullable: true }) lastError!: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt!: string;
}

/** A source with the secrets a change made: shown once, in this answer only. */
@ApiSchema({ name: 'SourceWithSecrets' })
export class SourceWithSecretsDto extends SourceViewDto {
  @ApiPropertyOptional({ description: 'A new webhook source, or a rotated secret.' }) webhookSecret?: string;
  @ApiPropertyOptional({ description: 'A callback first set, or its secret rotated.' })
  callbackSecret?: string;
}

@ApiSchema({ name: 'SourcePage' })
export class SourcePageDto {
  @ApiProperty({ type: [SourceViewDto] }) items!: SourceViewDto[];
  @ApiProperty({ type: 'null', description: 'Always null: every source is on one page.' })
  nextCursor!: null;
}

/** One real fetch of a poll source's first page: status, timing and item count, never the page. */
@ApiSchema({ name: 'TestConnectionResult' })
export class TestConnectionResultDto {
  @ApiProperty() ok!: boolean;
  @ApiProperty({ type: Number, nullable: true }) status!: number | null;
  @ApiProperty() items!: number;
  @ApiProperty({ description: 'Milliseconds from the request to the parsed page (or the failure).' })
  durationMs!: number;
  @ApiPropertyOptional({ description: 'The page fetched.' }) url?: string;
  @ApiPropertyOptional({ description: 'The media type only, e.g. `application/json`.' }) contentType?: string;
  @ApiPropertyOptional() bytes?: number;
  @ApiPropertyOptional({ description: 'One line: status, size, type and where the items were found.' })
  summary?: string;
  @ApiPropertyOptional() error?: string;
}
