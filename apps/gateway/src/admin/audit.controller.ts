import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { badRequest } from '@txng/common';
import { AuditService, type Principal } from '@txng/persistence';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { ProvinceScoped, RequireRole } from '../auth/roles.decorator';
import { pageSize } from './paging';
import { AuditPageDto } from './dto/audit.dto';

@ApiTags('admin: audit')
@ApiBearerAuth()
@RequireRole('viewer')
@ProvinceScoped()
@Controller('v1/admin/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOkResponse({ type: AuditPageDto })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiQuery({ name: 'limit', required: false })
  async list(
    @CurrentPrincipal() who: Principal,
    @Query('cursor') cursor?: string,
    @Query('limit') limit?: string,
  ) {
    // An id fits PostgreSQL's bigint in 18 digits; longer would fail in the database (500), not here.
    if (cursor !== undefined && !/^\d{1,18}$/.test(cursor)) throw badRequest('cursor is not valid.');
    const page = await this.audit.list({ limit: pageSize(limit, 100), before: cursor }, who.provinces);
    return {
      items: page.items.map((e) => ({
        id: e.id,
        at: e.at,
        actor: e.actor,
        action: e.action,
        target: e.target,
        details: e.details,
        provinceCodes: e.provinceCodes,
      })),
      nextCursor: page.nextCursor,
    };
  }
}
