import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { badRequest } from '@txng/common';
import { currentProvinces } from '@txng/national-model';
import { OverviewRead, type Principal, SearchRead } from '@txng/persistence';
import { type DataSource } from 'typeorm';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { ProvinceScoped, RequireRole } from '../auth/roles.decorator';
import { OverviewDto } from './dto/overview.dto';
import { SearchAnswerDto } from './dto/search.dto';
import { pageSize, queryText } from './paging';

const SEARCH_KINDS = ['product', 'lot', 'location', 'organization', 'event', 'receipt'] as const;

@ApiTags('admin: overview')
@ApiBearerAuth()
@RequireRole('viewer')
@ProvinceScoped()
@Controller('v1/admin')
export class OverviewController {
  private readonly overview: OverviewRead;
  private readonly searcher: SearchRead;
  private readonly provinceNames = new Map(currentProvinces().map((p) => [p.code, p.name]));

  constructor(@InjectDataSource() dataSource: DataSource) {
    this.overview = new OverviewRead(dataSource);
    this.searcher = new SearchRead(dataSource);
  }

  @Get('overview')
  @ApiOkResponse({ type: OverviewDto })
  @ApiOperation({
    summary:
      'Per province and source: stage, last receipt or poll, sync lag, records per minute, counts by status, ' +
      'portal sync state and the last reconciliation. The admin UI polls it every few seconds.',
  })
  async get(@CurrentPrincipal() who: Principal) {
    const overview = await this.overview.read(who.provinces);
    return {
      ...overview,
      provinces: overview.provinces.map((p) => ({ ...p, name: this.provinceNames.get(p.code) ?? p.code })),
    };
  }

  @Get('search')
  @ApiOkResponse({ type: SearchAnswerDto })
  @ApiOperation({
    summary:
      'One box: a GTIN, GLN, SSCC, GS1 Digital Link URI, element string (01)…(10)…, EPC URN, tax code, record key, ' +
      'lot, event hash or eventID, webhook-id or receipt id. `items` (at most 50) and `receipts` as before, the exact ' +
      'key first; `understood` says how the text was read, `best` names the one record or receipt it names exactly, ' +
      '`groups` holds the hits by kind with counts, one page each (`kind` + `cursor` page one group).',
  })
  @ProvinceScoped()
  @ApiQuery({ name: 'q', required: true })
  @ApiQuery({ name: 'kind', required: false, enum: [...SEARCH_KINDS] })
  @ApiQuery({ name: 'cursor', required: false, description: "A group's nextCursor (with kind)." })
  @ApiQuery({ name: 'limit', required: false, description: 'Items per group page, 1 to 50 (default 10).' })
  async search(
    @CurrentPrincipal() who: Principal,
    @Query('q') q?: string,
    @Query('kind') kind?: string,
    @Query('cursor') cursor?: string,
    @Query('limit') limit?: string,
  ) {
    const query = (queryText(q, 'q', 300) ?? '').normalize('NFC').trim();
    if (query.length < 2 || query.length > 300) {
      throw badRequest(
        'q must be 2 to 300 characters: a GTIN, GLN, SSCC, Digital Link, element string, EPC URN, key, lot, tax code, event hash, webhook-id or receipt id.',
      );
    }
    if (kind !== undefined && !(SEARCH_KINDS as readonly string[]).includes(kind)) {
      throw badRequest(`kind must be one of ${SEARCH_KINDS.join(', ')}.`);
    }
    if (cursor !== undefined && (kind === undefined || !/^\d{1,6}$/.test(cursor))) {
      throw badRequest("cursor must be a group's nextCursor, given with its kind.");
    }
    const size = pageSize(limit, 10);
    if (size > 50) throw badRequest('limit must be a whole number from 1 to 50.');
    return this.searcher.search(query, {
      kind,
      cursor: cursor === undefined ? undefined : Number(cursor),
      limit: size,
      provinces: who.provinces === null ? null : [...who.provinces],
    });
  }
}
