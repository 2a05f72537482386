import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { badRequest } from '@txng/common';
import { currentProvinces } from '@txng/national-model';
import { type DataSource } from 'typeorm';
import { RequireRole } from '../auth/roles.decorator';
import { OverviewRead } from './overview-read';
import { SearchRead } from './search-read';
import { OverviewDto } from './dto/overview.dto';
import { SearchAnswerDto } from './dto/search.dto';

@ApiTags('admin: overview')
@ApiBearerAuth()
@RequireRole('viewer')
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
  async get() {
    const overview = await this.overview.read();
    return {
      ...overview,
      provinces: overview.provinces.map((p) => ({ ...p, name: this.provinceNames.get(p.code) ?? p.code })),
    };
  }

  @Get('search')
  @ApiOkResponse({ type: SearchAnswerDto })
  @ApiOperation({
    summary:
      'Records by GTIN, lot, GLN, tax code, record key, event hash or event ID, or webhook-id (at most 50, newest first).',
  })
  @ApiQuery({ name: 'q', required: true })
  async search(@Query('q') q?: string) {
    const query = (q ?? '').normalize('NFC').trim();
    if (query.length < 2 || query.length > 300) {
      throw badRequest(
        'q must be 2 to 300 characters: a GTIN, lot, GLN, tax code, key, event hash or webhook-id.',
      );
    }
    return this.searcher.search(query);
  }
}
