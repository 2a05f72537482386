import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { badRequest, notFound } from '@txng/common';
import { RECORD_KINDS } from '@txng/national-model';
import {
  DETAIL_DEFAULTS,
  DETAIL_MAX,
  type Principal,
  RECORD_LIST_STATUSES,
  type RecordDetail,
  type RecordListStatus,
  RecordsRead,
  type RecordView,
} from '@txng/persistence';
import { type DataSource } from 'typeorm';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { ProvinceScoped, RequireRole } from '../auth/roles.decorator';
import { pageSize, queryText, RECORD_KEY_MAX, SOURCE_KEY_MAX } from './paging';
import { RecordDetailDto, RecordPageDto } from './dto/record.dto';

@ApiTags('admin: records')
@ApiBearerAuth()
@RequireRole('viewer')
@ProvinceScoped()
@Controller('v1/admin/records')
export class RecordsController {
  private readonly read: RecordsRead;

  constructor(@InjectDataSource() dataSource: DataSource) {
    this.read = new RecordsRead(dataSource);
  }

  @Get()
  @ApiOkResponse({ type: RecordPageDto })
  @ApiOperation({
    summary:
      'Every record version (or, with status=duplicate, every duplicate arrival), newest first, with its provenance.',
  })
  @ApiQuery({ name: 'sourceKey', required: false })
  @ApiQuery({ name: 'kind', required: false, enum: [...RECORD_KINDS, 'receipt'] })
  @ApiQuery({ name: 'status', required: false, enum: RECORD_LIST_STATUSES })
  @ApiQuery({ name: 'key', required: false })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiQuery({ name: 'limit', required: false })
  async list(
    @CurrentPrincipal() who: Principal,
    @Query('sourceKey') sourceKey?: string,
    @Query('kind') kind?: string,
    @Query('status') status?: string,
    @Query('key') key?: string,
    @Query('cursor') cursor?: string,
    @Query('limit') limit?: string,
  ): Promise<{ items: RecordView[]; nextCursor: string | null }> {
    if (kind !== undefined && !isKind(kind))
      throw badRequest(`kind must be one of ${[...RECORD_KINDS, 'receipt'].join(', ')}.`);
    if (status !== undefined && !(RECORD_LIST_STATUSES as readonly string[]).includes(status)) {
      throw badRequest(`status must be one of ${RECORD_LIST_STATUSES.join(', ')}.`);
    }
    if (cursor !== undefined && !/^\d{1,18}$/.test(cursor))
      throw badRequest('cursor is not valid; pass the nextCursor of the previous page.');
    return this.read.list(
      {
        sourceKey: queryText(sourceKey, 'sourceKey', SOURCE_KEY_MAX),
        kind,
        status: status as RecordListStatus | undefined,
        key: queryText(key, 'key', RECORD_KEY_MAX),
        cursor,
        limit: pageSize(limit),
      },
      who.provinces,
    );
  }

  // `*key`: keys hold '/' (lot keys) and ':'; clients may send them as they are or URL-encoded.
  @Get(':kind/*key')
  @ApiOkResponse({ type: RecordDetailDto })
  @ApiOperation({
    summary:
      'One record: its current state, its newest versions with provenance and status history, its duplicates and conflicts; each list bounded, with its total (docs/pipeline.md, "API").',
  })
  @ApiQuery({
    name: 'versions',
    required: false,
    description: `Newest versions shown (1-${DETAIL_MAX.versions}, default ${DETAIL_DEFAULTS.versions}).`,
  })
  @ApiQuery({
    name: 'before',
    required: false,
    description: 'Only versions older than this cursor (nextVersionsCursor).',
  })
  @ApiQuery({
    name: 'history',
    required: false,
    description: `Newest history entries per version (1-${DETAIL_MAX.history}, default ${DETAIL_DEFAULTS.history}).`,
  })
  async get(
    @CurrentPrincipal() who: Principal,
    @Param('kind') kind: string,
    @Param('key') key: string | string[],
    @Query('versions') versions?: string,
    @Query('before') before?: string,
    @Query('history') history?: string,
  ): Promise<RecordDetail> {
    if (!isKind(kind)) throw badRequest(`kind must be one of ${[...RECORD_KINDS, 'receipt'].join(', ')}.`);
    const fullKey = Array.isArray(key) ? key.join('/') : key;
    if (fullKey.length > RECORD_KEY_MAX)
      throw badRequest(`key must be at most ${RECORD_KEY_MAX} characters.`);
    if (before !== undefined && !/^\d{1,18}$/.test(before))
      throw badRequest('before is not valid; pass the nextVersionsCursor of the previous answer.');
    const detail = await this.read.detail(
      kind,
      fullKey,
      {
        versions: bounded(versions, 'versions', DETAIL_DEFAULTS.versions, DETAIL_MAX.versions),
        before: before ?? null,
        history: bounded(history, 'history', DETAIL_DEFAULTS.history, DETAIL_MAX.history),
        related: DETAIL_DEFAULTS.related,
      },
      who.provinces,
    );
    if (!detail) throw notFound(`Record ${kind} "${fullKey}"`);
    return detail;
  }
}

function bounded(value: string | undefined, name: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d{1,4}$/.test(value) || n < 1 || n > max)
    throw badRequest(`${name} must be a whole number from 1 to ${max}.`);
  return n;
}

function isKind(kind: string): boolean {
  return kind === 'receipt' || (RECORD_KINDS as readonly string[]).includes(kind);
}
