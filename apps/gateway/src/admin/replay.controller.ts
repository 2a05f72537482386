import { Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { SourcesService } from '@txng/connectors';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { badRequest, METRICS_REGISTRY, notFound } from '@txng/common';
import { RECORD_KINDS } from '@txng/national-model';
import { OperationJobs, OperationsService, REPLAY_RECEIPTS_MAX, ReceiptReplay } from '@txng/jobs';
import {
  AuditService,
  PgReplayRepository,
  type Principal,
  type ReplayRunView,
  ReplayRunsRead,
} from '@txng/persistence';
import {
  PipelineMetrics,
  REPLAY_STATUSES,
  ReplayPlanner,
  type ReplayStatus,
  type ReplayStore,
} from '@txng/pipeline';
import { type Registry } from 'prom-client';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
} from 'class-validator';
import { type DataSource } from 'typeorm';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { ProvinceScoped, RequireRole } from '../auth/roles.decorator';
import { queuedOperation } from './dto/operation.dto';
import { ReplayAnswerDto, ReplayReceiptsAnswerDto, ReplayRunDto } from './dto/replay.dto';

const REPLAY_KINDS = [...RECORD_KINDS, 'receipt'] as const;

export class ReplayDto {
  @ApiProperty({ enum: REPLAY_STATUSES })
  @IsIn(REPLAY_STATUSES)
  status!: ReplayStatus;

  @ApiPropertyOptional({ description: 'Only records of this source (all sources when absent).' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  sourceKey?: string;

  @ApiPropertyOptional({ enum: REPLAY_KINDS, description: 'Only records of this kind.' })
  @IsOptional()
  @IsIn(REPLAY_KINDS)
  kind?: string;

  @ApiPropertyOptional({
    description:
      'quarantined/rejected: only receipts holding a record with a finding of this code (e.g. GTIN_FORMAT); their other held records are judged again too.',
    example: 'GTIN_FORMAT',
  })
  @IsOptional()
  @Matches(/^[A-Z][A-Z0-9_]{1,63}$/, { message: 'findingCode is a finding code such as GTIN_FORMAT' })
  findingCode?: string;

  @ApiPropertyOptional({
    description: 'quarantined/rejected: only receipts received at or after this time (ISO 8601).',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  receivedFrom?: string;

  @ApiPropertyOptional({
    description: 'quarantined/rejected: only receipts received before this time (ISO 8601).',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  receivedTo?: string;
}

export class ReplayReceiptsDto {
  @ApiProperty({ description: 'The source the receipts belong to.' })
  @IsString()
  @Length(1, 100)
  sourceKey!: string;

  @ApiProperty({
    type: [String],
    format: 'uuid',
    minItems: 1,
    maxItems: REPLAY_RECEIPTS_MAX,
    description:
      'Receipts of the source to judge again with its current mapping, e.g. the affectedReceipts of POST /v1/admin/sources/{key}/try-mapping.',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(REPLAY_RECEIPTS_MAX)
  @IsUUID('all', { each: true, message: 'each of receiptIds must be a receipt id (a UUID)' })
  receiptIds!: string[];
}

@ApiTags('admin: records')
@ApiBearerAuth()
@ProvinceScoped()
@Controller('v1/admin/replay')
export class ReplayController {
  private readonly planner: ReplayPlanner;
  private readonly runs: ReplayRunsRead;
  private readonly metrics: PipelineMetrics;

  constructor(
    @InjectDataSource() dataSource: DataSource,
    private readonly jobs: OperationJobs,
    audit: AuditService,
    private readonly operations: OperationsService,
    private readonly receiptReplay: ReceiptReplay,
    private readonly sources: SourcesService,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    const store: ReplayStore = new PgReplayRepository(dataSource, audit);
    this.planner = new ReplayPlanner(store);
    this.runs = new ReplayRunsRead(dataSource);
    this.metrics = new PipelineMetrics(registry);
  }

  @Post()
  @ApiOkResponse({ type: ReplayAnswerDto })
  @HttpCode(200)
  @RequireRole('operator')
  @ApiOperation({
    summary:
      'Send records through the pipeline again: quarantined or rejected ones are re-read from their receipts with the source’s current mapping; failed ones go back to ready for sync. Answers what matched at once; a job does the work (docs/pipeline.md, "Replay").',
  })
  async replay(@Body() body: ReplayDto, @CurrentPrincipal() who: Principal): Promise<ReplayAnswerDto> {
    // A province token replays one of its own sources: the run's filter is then that source, so the
    // planner and the job that does the work never touch another province's records.
    if (who.provinces !== null && body.sourceKey === undefined) {
      throw badRequest('A province token replays one source at a time: name sourceKey.');
    }
    const bulk =
      body.findingCode !== undefined || body.receivedFrom !== undefined || body.receivedTo !== undefined;
    if (bulk && body.status === 'failed') {
      throw badRequest(
        'findingCode, receivedFrom and receivedTo narrow quarantined and rejected replays only.',
      );
    }
    const receivedFrom = body.receivedFrom === undefined ? null : new Date(body.receivedFrom);
    const receivedTo = body.receivedTo === undefined ? null : new Date(body.receivedTo);
    if (receivedFrom && receivedTo && receivedFrom >= receivedTo) {
      throw badRequest('receivedFrom must be before receivedTo.');
    }
    // The planner refuses a source outside the token's provinces (404, as an unknown one).
    const run = await this.planner.prepare(
      {
        status: body.status,
        sourceKey: body.sourceKey ?? null,
        kind: body.kind ?? null,
        findingCode: body.findingCode ?? null,
        receivedFrom,
        receivedTo,
        actor: who.actor,
      },
      who.provinces,
    );
    // Its operation before its job, so that progress and cancel answer from the first moment.
    await this.operations.adoptReplayRun(run.runId);
    let id: string;
    try {
      id = await this.jobs.add('replay-run', run.runId);
    } catch (error) {
      await this.planner.notQueued(run.runId, error);
      await this.operations.tracker(run.runId).failed(new Error(`not queued: ${(error as Error).message}`));
      throw error;
    }
    this.metrics.replayed(body.status, run.replayed);
    return {
      runId: run.runId,
      replayed: run.replayed,
      receipts: run.receipts,
      outdated: run.outdated,
      expired: run.expired,
      jobId: id,
      operationId: run.runId,
      state: 'queued',
    };
  }

  @Post('receipts')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: ReplayReceiptsAnswerDto })
  @RequireRole('operator')
  @ApiOperation({
    summary:
      'Judge chosen receipts of one source again from their stored body with the source’s current mapping version (after a mapping change: the receipts its trial found affected), as an operation. Records the change alters become new versions, unchanged ones duplicates, quarantined ones that now pass are accepted. 400 names ids that are not receipts of the source (docs/pipeline.md, "Replay of chosen receipts").',
  })
  async replayReceipts(
    @Body() body: ReplayReceiptsDto,
    @CurrentPrincipal() who: Principal,
  ): Promise<ReplayReceiptsAnswerDto> {
    // Another province's source is unknown to a province token (404), as everywhere.
    const source = await this.sources.get(body.sourceKey, who.provinces);
    const wrong = await this.receiptReplay.notOfSource(source.key, body.receiptIds);
    if (wrong.length > 0) {
      throw badRequest(
        `receiptIds: ${wrong.length} of them are not receipts of source "${source.key}": ${wrong.slice(0, 20).join(', ')}${wrong.length > 20 ? ', …' : ''}`,
        wrong.map((id) => ({ field: 'receiptIds', receiptId: id, problem: 'not a receipt of this source' })),
      );
    }
    const asked = await this.receiptReplay.ask({
      sourceKey: source.key,
      provinceCode: source.provinceCode,
      receiptIds: body.receiptIds,
      mappingVersion: source.mappingVersion,
      actor: who.actor,
    });
    return queuedOperation(asked.operationId, {
      receipts: asked.receipts,
      jobId: asked.jobId,
      mappingVersion: source.mappingVersion,
    });
  }

  @Get(':runId')
  @ApiOkResponse({ type: ReplayRunDto })
  @RequireRole('viewer')
  @ApiOperation({ summary: 'A replay run: what it matched, its state and how far it got.' })
  async get(@Param('runId') runId: string, @CurrentPrincipal() who: Principal): Promise<ReplayRunView> {
    if (!UUID.test(runId)) throw badRequest('runId is not valid; pass the runId a replay answered.');
    const run = await this.runs.get(runId, who.provinces);
    if (!run) throw notFound(`Replay run ${runId}`);
    return run;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
