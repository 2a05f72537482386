import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AppError, ErrorCode } from '@txng/common';
import { AuditService } from '@txng/persistence';
import { RequireRole } from '../auth/roles.decorator';

@ApiTags('admin: audit')
@ApiBearerAuth()
@RequireRole('viewer')
@Controller('v1/admin/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiQuery({ name: 'cursor', required: false })
  @ApiQuery({ name: 'limit', required: false })
  async list(@Query('cursor') cursor?: string, @Query('limit') limit?: string) {
    const size = limit === undefined ? 100 : Number(limit);
    if (!Number.isInteger(size) || size < 1 || size > 500) {
      throw new AppError(ErrorCode.BadRequest, 'limit must be a whole number from 1 to 500.', {
        status: 400,
      });
    }
    if (cursor !== undefined && !/^\d+$/.test(cursor))
      throw new AppError(ErrorCode.BadRequest, 'cursor is not valid.', { status: 400 });
    const page = await this.audit.list({ limit: size, before: cursor });
    return {
      items: page.items.map((e) => ({
        id: e.id,
        at: e.at,
        actor: e.actor,
        action: e.action,
        target: e.target,
        details: e.details,
      })),
      nextCursor: page.nextCursor,
    };
  }
}
