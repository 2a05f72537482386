import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { badRequest } from '@txng/common';
import { ConflictsRead, type ConflictView, isConflictCursor } from '@txng/pipeline';
import { type DataSource } from 'typeorm';
import { RequireRole } from '../auth/roles.decorator';
import { pageSize } from './paging';

@ApiTags('admin: conflicts')
@ApiBearerAuth()
@Controller('v1/admin/conflicts')
export class ConflictsController {
  private readonly read: ConflictsRead;

  constructor(@InjectDataSource() dataSource: DataSource) {
    this.read = new ConflictsRead(dataSource);
  }

  @Get()
  @RequireRole('viewer')
  @ApiOperation({
    summary: 'Conflicts, oldest first, each with the existing and the incoming record in full.',
  })
  @ApiQuery({ name: 'status', required: false, enum: ['open', 'resolved'] })
  @ApiQuery({ name: 'kind', required: false })
  @ApiQuery({ name: 'key', required: false })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiQuery({ name: 'limit', required: false })
  async list(
    @Query('status') status?: string,
    @Query('kind') kind?: string,
    @Query('key') key?: string,
    @Query('cursor') cursor?: string,
    @Query('limit') limit?: string,
  ): Promise<{ items: ConflictView[]; nextCursor: string | null }> {
    if (status !== undefined && status !== 'open' && status !== 'resolved') {
      throw badRequest('status must be open or resolved.');
    }
    if (cursor !== undefined && !isConflictCursor(cursor)) {
      throw badRequest('cursor is not valid; pass the nextCursor of the previous page.');
    }
    return this.read.list({ status, kind, key, cursor, limit: pageSize(limit) });
  }
}
