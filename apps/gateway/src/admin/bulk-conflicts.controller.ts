import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiSchema,
  ApiTags,
} from '@nestjs/swagger';
import { badRequest } from '@txng/common';
import { BulkConflictResolve } from '@txng/jobs';
import { RECORD_KINDS } from '@txng/national-model';
import { type Principal } from '@txng/persistence';
import { CONFLICT_DECISIONS, type ConflictDecision } from '@txng/pipeline';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { RequireRole } from '../auth/roles.decorator';
import { RESOLUTION_NOTE_MAX } from './conflicts.controller';
import { QueuedOperationDto, queuedOperation } from './dto/operation.dto';

const CONFLICT_CODES = [
  'KEY_CLAIMED',
  'GTIN_PREFIX_OWNER',
  'SERIAL_RECOMMISSIONED',
  'EVENT_ID_REUSED',
] as const;

export class BulkResolveDto {
  @ApiProperty({ enum: CONFLICT_CODES, description: 'The kind of conflict to decide.' })
  @IsIn(CONFLICT_CODES)
  code!: string;

  @ApiPropertyOptional({ description: 'Only conflicts whose incoming side came from this source.' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  sourceKey?: string;

  @ApiPropertyOptional({ enum: RECORD_KINDS, description: 'Only conflicts on keys of this kind.' })
  @IsOptional()
  @IsIn(RECORD_KINDS)
  kind?: string;

  @ApiProperty({ enum: CONFLICT_DECISIONS })
  @IsIn(CONFLICT_DECISIONS)
  decision!: ConflictDecision;

  @ApiProperty({ example: 'GS1 Việt Nam xác nhận: tiền tố thuộc chủ sở hữu đã đăng ký.' })
  @IsString()
  @Length(1, RESOLUTION_NOTE_MAX)
  note!: string;
}

@ApiSchema({ name: 'BulkResolveAnswer' })
export class BulkResolveAnswerDto extends QueuedOperationDto {
  @ApiProperty({ description: 'Open conflicts the filter matched when asked; the operation decides these.' })
  matched!: number;
}

/**
 * One decision over many open conflicts (docs/operations.md, "Long work"): a throttled operation
 * that decides each as POST /v1/admin/conflicts/{id}/resolve would, audited one by one. The Center's
 * only, as single decisions are: a decision changes the other province's record too.
 */
@ApiTags('admin: conflicts')
@ApiBearerAuth()
@Controller('v1/admin/conflicts')
export class BulkConflictsController {
  constructor(private readonly bulk: BulkConflictResolve) {}

  @Post('bulk-resolve')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: BulkResolveAnswerDto })
  @RequireRole('operator')
  @ApiOperation({
    summary:
      'Decide every open conflict of one kind (and source, record kind) with one decision, as an operation: answers at once with the number matched; progress and cancel at /v1/admin/operations/{id}. Audited (conflicts.bulk-resolve, then conflict.resolve for each).',
  })
  async bulkResolve(
    @Body() body: BulkResolveDto,
    @CurrentPrincipal() who: Principal,
  ): Promise<BulkResolveAnswerDto> {
    const note = body.note.normalize('NFC').trim();
    if (note === '')
      throw badRequest('note must say why (it is kept with each decision and in the audit log).');
    const asked = await this.bulk.ask({
      code: body.code,
      sourceKey: body.sourceKey ?? null,
      kind: body.kind ?? null,
      decision: body.decision,
      note,
      actor: who.actor,
    });
    return queuedOperation(asked.operationId, { matched: asked.matched });
  }
}
