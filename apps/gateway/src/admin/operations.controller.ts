import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { badRequest, notFound } from '@txng/common';
import { isCurrentProvinceCode } from '@txng/national-model';
import { OperationsService, type OperationView } from '@txng/jobs';
import {
  OPERATION_KINDS,
  OPERATION_STATES,
  type OperationKind,
  type OperationState,
  type Principal,
} from '@txng/persistence';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { ProvinceScoped, RequireRole } from '../auth/roles.decorator';
import { OperationDto, OperationPageDto } from './dto/operation.dto';
import { pageSize, queryText, SOURCE_KEY_MAX } from './paging';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The hub's long work (docs/operations.md, "Long work"; docs/adr/0006-operations.md): replays,
 * operator-asked reconciliations, poll backfills and bulk conflict decisions, each with its counts,
 * rate, time left and a cancel. A province token sees and cancels only the operations of its
 * provinces of the kinds it may start itself (replay, reconciliation, backfill).
 */
@ApiTags('admin: operations')
@ApiBearerAuth()
@ProvinceScoped()
@Controller('v1/admin/operations')
export class OperationsController {
  constructor(private readonly operations: OperationsService) {}

  @Get()
  @RequireRole('viewer')
  @ApiOperation({ summary: 'Operations, newest first: state, done of total, percent, rate and time left.' })
  @ApiOkResponse({ type: OperationPageDto })
  @ApiQuery({ name: 'kind', required: false, enum: OPERATION_KINDS })
  @ApiQuery({ name: 'state', required: false, enum: OPERATION_STATES })
  @ApiQuery({
    name: 'unfinished',
    required: false,
    enum: ['true', 'false'],
    description: 'Only queued, running or cancelling ones.',
  })
  @ApiQuery({ name: 'sourceKey', required: false })
  @ApiQuery({ name: 'provinceCode', required: false })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiQuery({ name: 'limit', required: false })
  async list(
    @CurrentPrincipal() who: Principal,
    @Query('kind') kind?: string,
    @Query('state') state?: string,
    @Query('unfinished') unfinished?: string,
    @Query('sourceKey') sourceKey?: string,
    @Query('provinceCode') provinceCode?: string,
    @Query('cursor') cursor?: string,
    @Query('limit') limit?: string,
  ): Promise<{ items: OperationView[]; nextCursor: string | null }> {
    if (kind !== undefined && !(OPERATION_KINDS as readonly string[]).includes(kind)) {
      throw badRequest(`kind must be one of ${OPERATION_KINDS.join(', ')}.`);
    }
    if (state !== undefined && !(OPERATION_STATES as readonly string[]).includes(state)) {
      throw badRequest(`state must be one of ${OPERATION_STATES.join(', ')}.`);
    }
    if (unfinished !== undefined && unfinished !== 'true' && unfinished !== 'false') {
      throw badRequest('unfinished must be true or false.');
    }
    if (
      provinceCode !== undefined &&
      (typeof provinceCode !== 'string' || !isCurrentProvinceCode(provinceCode))
    ) {
      throw badRequest(`provinceCode must be one of the 34 current two-digit province codes.`);
    }
    const size = pageSize(limit);
    const items = await this.operations.list(
      {
        kind: kind as OperationKind | undefined,
        state: state as OperationState | undefined,
        unfinished: unfinished === 'true',
        sourceKey: queryText(sourceKey, 'sourceKey', SOURCE_KEY_MAX),
        provinceCode,
        before: cursor === undefined ? undefined : decodeCursor(cursor),
        limit: size + 1,
      },
      who.provinces,
    );
    const page = items.slice(0, size);
    const last = page[page.length - 1];
    return {
      items: page,
      nextCursor: items.length > size && last ? encodeCursor(last.createdAt, last.id) : null,
    };
  }

  @Get(':id')
  @RequireRole('viewer')
  @ApiOperation({ summary: 'One operation: state, done of total, percent, rate, time left, result.' })
  @ApiOkResponse({ type: OperationDto })
  async get(@Param('id') id: string, @CurrentPrincipal() who: Principal): Promise<OperationView> {
    if (!UUID.test(id))
      throw badRequest('id is not valid; pass the id of an operation (a replay answers it as runId).');
    const op = await this.operations.get(id, who.provinces);
    if (!op) throw notFound(`Operation ${id}`);
    return op;
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @RequireRole('operator')
  @ApiOperation({
    summary:
      'Stop an operation: a queued one at once, a running one between two items; what it did stays done. Audited (operation.cancel). 409 once it has ended.',
  })
  @ApiOkResponse({ type: OperationDto })
  async cancel(@Param('id') id: string, @CurrentPrincipal() who: Principal): Promise<OperationView> {
    if (!UUID.test(id)) throw badRequest('id is not valid; pass the id of an operation.');
    return this.operations.cancel(id, who);
  }
}

/** The keyset cursor: the last item's creation time and id, base64url. */
function encodeCursor(createdAt: string, id: string): string {
  return Buffer.from(`${createdAt}|${id}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const text =
    typeof cursor === 'string' && cursor.length <= 200
      ? Buffer.from(cursor, 'base64url').toString('utf8')
      : '';
  const [at, id] = text.split('|');
  const createdAt = new Date(at ?? '');
  if (!id || !UUID.test(id) || Number.isNaN(createdAt.getTime())) {
    throw badRequest('cursor is not valid; pass the nextCursor of the previous page.');
  }
  return { createdAt, id };
}
