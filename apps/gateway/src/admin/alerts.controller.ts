import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { PgAlertStore } from '@txng/persistence';
import { type DataSource } from 'typeorm';
import { RequireRole } from '../auth/roles.decorator';

export interface AlertView {
  id: string;
  code: string;
  provinceCode: string | null;
  sourceKey: string | null;
  since: string;
  message: string;
}

/** What needs an operator now (hub-interface.md, "v1 additions"), as the workers' check left it. */
@ApiTags('admin: alerts')
@ApiBearerAuth()
@RequireRole('viewer')
@Controller('v1/admin/alerts')
export class AlertsController {
  private readonly store: PgAlertStore;

  constructor(@InjectDataSource() dataSource: DataSource) {
    this.store = new PgAlertStore(dataSource);
  }

  @Get()
  @ApiOperation({
    summary:
      'Active alerts: SOURCE_STALE, QUARANTINE_RATE, CALLBACK_FAILING, PORTAL_UNREACHABLE, SYNC_LAG; checked at least once a minute.',
  })
  async list(): Promise<{ items: AlertView[] }> {
    const rows = await this.store.list();
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
