import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { PgAlertStore, type Principal } from '@txng/persistence';
import { type DataSource } from 'typeorm';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { ProvinceScoped, RequireRole } from '../auth/roles.decorator';
import { AlertListDto } from './dto/alert.dto';

export interface AlertView {
  id: string;
  code: string;
  provinceCode: string | null;
  sourceKey: string | null;
  since: string;
  message: string;
}

/**
 * What needs an operator now (hub-interface.md, "v1 additions"), as the workers' check left it. A
 * province token reads its provinces' alerts and PORTAL_UNREACHABLE, which stops every province's
 * sync; a SYNC_LAG of no province (versions of no record yet) stays the Center's.
 */
@ApiTags('admin: alerts')
@ApiBearerAuth()
@RequireRole('viewer')
@ProvinceScoped()
@Controller('v1/admin/alerts')
export class AlertsController {
  private readonly store: PgAlertStore;

  constructor(@InjectDataSource() dataSource: DataSource) {
    this.store = new PgAlertStore(dataSource);
  }

  @Get()
  @ApiOperation({
    summary:
      "Active alerts: SOURCE_STALE, QUARANTINE_RATE, CALLBACK_FAILING, PORTAL_UNREACHABLE, SYNC_LAG; checked at least once a minute. A province token: its provinces' alerts and PORTAL_UNREACHABLE.",
  })
  @ApiOkResponse({ type: AlertListDto })
  async list(@CurrentPrincipal() who: Principal): Promise<{ items: AlertView[] }> {
    const rows = await this.store.list(who.provinces);
    return {
      items: rows.map((a) => ({
        id: a.id,
        code: a.code,
        provinceCode: a.provinceCode,
        sourceKey: a.sourceKey,
        since: a.since.toISOString(),
        message: a.message,
      })),
    };
  }
}
