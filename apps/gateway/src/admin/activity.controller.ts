import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { badRequest, notFound } from '@txng/common';
import { isCurrentProvinceCode } from '@txng/national-model';
import { type ActivitySeries, type ActivityWindow, PgActivityStore } from '@txng/persistence';
import { type DataSource } from 'typeorm';
import { RequireRole } from '../auth/roles.decorator';
import { ActivitySeriesDto } from './dto/activity.dto';

const WINDOWS: readonly ActivityWindow[] = ['hour', 'day'];

/**
 * The operators' charts (docs/admin-ui.md, "Charts"): per-minute activity the maintenance queue rolls
 * up from the hub's own timestamps (docs/adr/0005-activity-minutes.md), for all sources, one province
 * or one source. Reads only activity_minute and queue_depth_minute: at most 1,440 rows per source.
 */
@ApiTags('admin: overview')
@ApiBearerAuth()
@RequireRole('viewer')
@Controller('v1/admin/activity')
export class ActivityController {
  private readonly store: PgActivityStore;

  constructor(@InjectDataSource() dataSource: DataSource) {
    this.store = new PgActivityStore(dataSource);
  }

  @Get()
  @ApiOperation({
    summary:
      'Records per minute received (versions written), quarantined and synced, lag from receipt to portal ' +
      '(mean and longest, seconds), sync backlog and queue depth: the last hour per minute or the last day ' +
      'per 5 minutes. Rolled up every ACTIVITY_ROLLUP_EVERY_MS (30 s); buckets without activity are 0.',
  })
  @ApiQuery({ name: 'window', required: false, enum: WINDOWS, description: 'hour (default) or day' })
  @ApiQuery({ name: 'source', required: false, description: 'Only this source (its key).' })
  @ApiQuery({
    name: 'province',
    required: false,
    description: 'Only sources of this province (2-digit code).',
  })
  @ApiOkResponse({ type: ActivitySeriesDto })
  async get(
    @Query('window') window?: string,
    @Query('source') source?: string,
    @Query('province') province?: string,
  ): Promise<ActivitySeries> {
    const w = (window ?? 'hour') as ActivityWindow;
    if (!WINDOWS.includes(w)) throw badRequest('window must be "hour" or "day".');
    if (province !== undefined && !isCurrentProvinceCode(province))
      throw badRequest(`province "${province}" is not a current province code (two digits, 2025 list).`);
    if (source !== undefined && !(await this.store.hasSource(source))) throw notFound(`Source "${source}"`);
    return this.store.series({ window: w, sourceKey: source ?? null, provinceCode: province ?? null });
  }
}
