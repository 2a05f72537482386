import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiQuery, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { badRequest } from '@txng/common';
import {
  AuditService,
  ConflictSidesRead,
  type ConflictSides,
  ConflictsRead,
  type ConflictView,
  isConflictCursor,
  PgConflictResolutionRepository,
  type Principal,
  type RecordView,
  type WithheldSide,
} from '@txng/persistence';
import {
  CONFLICT_DECISIONS,
  type ConflictDecision,
  ConflictResolver,
  type ConflictStore,
} from '@txng/pipeline';
import { IsIn, IsString, Length } from 'class-validator';
import { type DataSource } from 'typeorm';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { ProvinceScoped, RequireRole } from '../auth/roles.decorator';
import { pageSize, queryText, RECORD_KEY_MAX } from './paging';
import { ConflictDto, ConflictPageDto } from './dto/conflict.dto';

/** Longest note kept with a resolution (it goes to the conflict row, the history and the audit log). */
export const RESOLUTION_NOTE_MAX = 2000;

export class ResolveConflictDto {
  @ApiProperty({ enum: CONFLICT_DECISIONS })
  @IsIn(CONFLICT_DECISIONS)
  decision!: ConflictDecision;

  @ApiProperty({ example: 'Confirmed with GS1 Vietnam: the prefix moved to the new owner.' })
  @IsString()
  @Length(1, RESOLUTION_NOTE_MAX)
  note!: string;
}

@ApiTags('admin: conflicts')
@ApiBearerAuth()
@Controller('v1/admin/conflicts')
export class ConflictsController {
  private readonly read: ConflictsRead;
  private readonly resolver: ConflictResolver;
  private readonly sides: ConflictSidesRead;

  constructor(@InjectDataSource() dataSource: DataSource, audit: AuditService) {
    this.read = new ConflictsRead(dataSource);
    this.sides = new ConflictSidesRead(dataSource);
    const store: ConflictStore = new PgConflictResolutionRepository(dataSource, audit);
    this.resolver = new ConflictResolver(store);
  }

  @Post(':id/resolve')
  @ApiOkResponse({ type: ConflictDto })
  @HttpCode(200)
  @RequireRole('operator')
  @ApiOperation({
    summary:
      'Resolve an open conflict: keep-existing, accept-incoming or reject-both (docs/pipeline.md). Answers the resolved conflict; 409 if it is already resolved.',
  })
  async resolve(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: ResolveConflictDto,
    @CurrentPrincipal() who: Principal,
  ): Promise<ConflictView> {
    const note = body.note.normalize('NFC').trim();
    if (note === '')
      throw badRequest('note must say why (it is kept with the decision and in the audit log).');
    return this.resolver.resolve({ id, decision: body.decision, note, actor: who.actor });
  }

  @Get()
  @ApiOkResponse({ type: ConflictPageDto })
  @RequireRole('viewer')
  @ProvinceScoped()
  @ApiOperation({
    summary:
      'Conflicts, oldest first, each with the existing and the incoming record in full, and `sides`: what each ' +
      "side is (for GTIN_PREFIX_OWNER the registry's owner of the prefix) and where it came from.",
  })
  @ApiQuery({ name: 'status', required: false, enum: ['open', 'resolved'] })
  @ApiQuery({ name: 'kind', required: false })
  @ApiQuery({ name: 'key', required: false })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiQuery({ name: 'limit', required: false })
  async list(
    @CurrentPrincipal() who: Principal,
    @Query('status') status?: string,
    @Query('kind') kind?: string,
    @Query('key') key?: string,
    @Query('cursor') cursor?: string,
    @Query('limit') limit?: string,
  ): Promise<{ items: Array<ConflictView & { sides: ConflictSides }>; nextCursor: string | null }> {
    if (status !== undefined && status !== 'open' && status !== 'resolved') {
      throw badRequest('status must be open or resolved.');
    }
    if (cursor !== undefined && !isConflictCursor(cursor)) {
      throw badRequest('cursor is not valid; pass the nextCursor of the previous page.');
    }
    const page = await this.read.list(
      {
        status,
        kind: queryText(kind, 'kind', 50),
        key: queryText(key, 'key', RECORD_KEY_MAX),
        cursor,
        limit: pageSize(limit),
      },
      who.provinces,
    );
    // A withheld side (another province's) is not looked up: its party and origin stay unknown here.
    const masked = page.items.map((c) => ({
      ...c,
      existing: isWithheld(c.existing) ? null : c.existing,
      incoming: isWithheld(c.incoming) ? UNKNOWN_SIDE : c.incoming,
    }));
    const sides = await this.sides.sides(masked);
    const hidden = { what: 'none' as const, party: null, origin: null };
    return {
      ...page,
      items: page.items.map((c, i) => ({
        ...c,
        sides: {
          existing: isWithheld(c.existing) ? hidden : sides[i].existing,
          incoming: isWithheld(c.incoming) ? hidden : sides[i].incoming,
        },
      })),
    };
  }
}

const isWithheld = (side: RecordView | WithheldSide | null): side is WithheldSide =>
  side !== null && 'withheld' in side;

/** Stands in for a withheld incoming side when the sides are worked out: names nobody. */
const UNKNOWN_SIDE = {
  data: null,
  claimant: null,
  source: '',
  receiptId: '',
  webhookId: null,
  createdAt: new Date(0),
};
