import { InjectQueue } from '@nestjs/bullmq';
import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { METRICS_REGISTRY, notFound } from '@txng/common';
import { RECORD_KINDS } from '@txng/national-model';
import { AuditService, type Principal } from '@txng/persistence';
import { PipelineMetrics, REPLAY_STATUSES, ReplayPlanner, type ReplayStatus } from '@txng/pipeline';
import { type JobPayload, jobId, QueueName } from '@txng/queues';
import { type Queue } from 'bullmq';
import { type Registry } from 'prom-client';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { type DataSource } from 'typeorm';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { RequireRole } from '../auth/roles.decorator';

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
}

export interface ReplayAnswer {
  runId: string;
  /** Record versions selected. */
  replayed: number;
  /** Receipts sent through the ingest queue again (0 for `failed`: those go straight back to ready). */
  receipts: number;
  /** `failed` versions not sent again because a later version of their key is already at the portal. */
  outdated: number;
  /** Receipts not re-read because their body was purged after the retention period. */
  expired: number;
}

/** 1000 jobs per Redis round trip. */
const ENQUEUE_CHUNK = 1000;

@ApiTags('admin: records')
@ApiBearerAuth()
@RequireRole('operator')
@Controller('v1/admin/replay')
export class ReplayController {
  private readonly planner: ReplayPlanner;
  private readonly metrics: PipelineMetrics;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue(QueueName.Ingest) private readonly ingest: Queue,
    audit: AuditService,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    this.planner = new ReplayPlanner(dataSource, (event, manager) => audit.record(event, manager));
    this.metrics = new PipelineMetrics(registry);
  }

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Send records through the pipeline again: quarantined or rejected ones are re-read from their receipts with the source’s current mapping; failed ones go back to ready for sync (docs/pipeline.md, "Replay").',
  })
  async replay(@Body() body: ReplayDto, @CurrentPrincipal() who: Principal): Promise<ReplayAnswer> {
    if (body.sourceKey !== undefined) {
      const rows: unknown[] = await this.dataSource.query(`SELECT 1 FROM source WHERE key = $1`, [
        body.sourceKey,
      ]);
      if (rows.length === 0) throw notFound(`Source "${body.sourceKey}"`);
    }
    const run = await this.planner.prepare({
      status: body.status,
      sourceKey: body.sourceKey ?? null,
      kind: body.kind ?? null,
      actor: who.actor,
    });
    if (body.status !== 'failed') {
      const replay = { runId: run.runId, status: body.status, kind: body.kind ?? null };
      for (let i = 0; i < run.receipts.length; i += ENQUEUE_CHUNK) {
        await this.ingest.addBulk(
          run.receipts.slice(i, i + ENQUEUE_CHUNK).map((receiptId) => ({
            name: 'process-receipt',
            data: { receiptId, replay } satisfies JobPayload<'ingest', 'process-receipt'>,
            // Deterministic per run and receipt: the same run enqueued twice is one job each.
            opts: { jobId: jobId('replay', run.runId, receiptId) },
          })),
        );
      }
    }
    this.metrics.replayed(body.status, run.replayed);
    return {
      runId: run.runId,
      replayed: run.replayed,
      receipts: run.receipts.length,
      outdated: run.outdated,
      expired: run.expired,
    };
  }
}
