import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiOperation,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { badRequest } from '@txng/common';
import { type BackfillStart, backfillStartProblem, SourcesService } from '@txng/connectors';
import { PollBackfillService } from '@txng/jobs';
import { type Principal } from '@txng/persistence';
import { IsInt, IsISO8601, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { ProvinceScoped, RequireRole } from '../auth/roles.decorator';
import { StartedOperationDto, startedOperation } from './dto/operation.dto';

export class BackfillDto {
  @ApiPropertyOptional({
    description:
      'updatedSince sources: fetch records updated at or after this time (ISO 8601) instead of from the beginning.',
    example: '2025-07-01T00:00:00Z',
  })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'since must be an ISO 8601 time, e.g. 2025-07-01T00:00:00Z' })
  since?: string;

  @ApiPropertyOptional({ description: 'page sources: start at this page number instead of the first.' })
  @IsOptional()
  @IsInt({ message: 'page must be a whole number' })
  @Min(0, { message: 'page must be 0 or more' })
  @Max(10_000_000, { message: 'page must be at most 10000000' })
  page?: number;

  @ApiPropertyOptional({ description: 'cursor sources: start at this cursor instead of the first page.' })
  @IsOptional()
  @IsString({ message: 'cursor must be a string' })
  @Length(1, 2000, { message: 'cursor must be 1 to 2000 characters' })
  cursor?: string;
}

/**
 * A poll source's whole history fetched again (docs/poll-connector.md, "Backfill"), as an operation
 * that is watched and cancelled at /v1/admin/operations. An operator starts it, and so does a
 * province token for its own sources (another province's source is a 404, as everywhere).
 */
@ApiTags('admin: sources')
@ApiBearerAuth()
@ProvinceScoped()
@Controller('v1/admin/sources')
export class SourceBackfillController {
  constructor(
    private readonly sources: SourcesService,
    private readonly backfills: PollBackfillService,
  ) {}

  @Post(':key/backfill')
  @HttpCode(202)
  @RequireRole('operator')
  @ApiAcceptedResponse({ type: StartedOperationDto })
  @ApiOperation({
    summary:
      "Fetch a poll source's records again from the beginning (or from since/page/cursor) to the end of the province's API, page by page, as an operation: every page with items is stored as a receipt and ingested (dedup drops what the hub holds); the source's checkpoint and its scheduled polls are left alone. Answers the operation at once; progress and cancel at /v1/admin/operations/{id}. Audited (source.backfill). 409 when the source is not a poll source in testing or active, or already has a backfill running.",
  })
  async backfill(
    @Param('key') key: string,
    @Body() body: BackfillDto,
    @CurrentPrincipal() who: Principal,
  ): Promise<StartedOperationDto> {
    const source = await this.sources.get(key, who.provinces);
    const start: BackfillStart = {
      ...(body.since !== undefined ? { since: new Date(body.since).toISOString() } : {}),
      ...(body.page !== undefined ? { page: body.page } : {}),
      ...(body.cursor !== undefined ? { cursor: body.cursor } : {}),
    };
    if (source.kind === 'poll' && source.poll) {
      const problem = backfillStartProblem(source.poll, start);
      if (problem) throw badRequest(`The backfill body is not valid: ${problem}.`, [problem]);
    }
    return startedOperation(await this.backfills.ask(source, start, who.actor));
  }
}
