import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { REPLAY_STATUSES } from '@txng/pipeline';
import { QueuedOperationDto } from './operation.dto';

/** What POST /v1/admin/replay answers at once; a job does the work (docs/pipeline.md, "Replay"). */
@ApiSchema({ name: 'ReplayAnswer' })
export class ReplayAnswerDto {
  @ApiProperty({ format: 'uuid' }) runId!: string;
  @ApiProperty({ description: 'Record versions matched.' }) replayed!: number;
  @ApiProperty({
    description:
      'Receipts to send through the ingest queue again (0 for `failed`: those go straight back to ready).',
  })
  receipts!: number;
  @ApiProperty({
    description:
      '`failed` versions not to be sent again because a later version of their key is already at the portal.',
  })
  outdated!: number;
  @ApiProperty({
    description: 'Receipts not to be re-read because their body was purged after the retention period.',
  })
  expired!: number;
  @ApiProperty({
    description:
      'The job doing the run (maintenance queue); GET /v1/admin/replay/{runId} shows its progress.',
  })
  jobId!: string;
  @ApiProperty({
    format: 'uuid',
    description: 'The run as an operation (the same id): GET /v1/admin/operations/{id}, POST …/cancel.',
  })
  operationId!: string;
  @ApiProperty({ enum: ['queued'] }) state!: 'queued';
}

@ApiSchema({ name: 'ReplayProgress' })
export class ReplayProgressDto {
  @ApiProperty({ description: 'Receipts put on the ingest queue so far (quarantined, rejected).' })
  receiptsQueued!: number;
  @ApiProperty({ description: 'Failed versions put back to ready so far.' }) versionsRequeued!: number;
  @ApiProperty({
    description: 'Failed versions left failed so far (a later version of their key is at the portal).',
  })
  outdatedKept!: number;
}

/** A replay run as GET /v1/admin/replay/{runId} shows it. */
@ApiSchema({ name: 'ReplayRun' })
export class ReplayRunDto {
  @ApiProperty({ format: 'uuid' }) runId!: string;
  @ApiProperty({ enum: ['queued', 'running', 'done', 'failed', 'cancelled'] }) state!: string;
  @ApiProperty({ enum: REPLAY_STATUSES, description: 'The status replayed.' })
  status!: string;
  @ApiProperty({ type: String, nullable: true }) sourceKey!: string | null;
  @ApiProperty({ type: String, nullable: true }) kind!: string | null;
  @ApiProperty() actor!: string;
  @ApiProperty({ description: 'What the run matched when it was asked for, as the POST answered.' })
  replayed!: number;
  @ApiProperty() receipts!: number;
  @ApiProperty() outdated!: number;
  @ApiProperty() expired!: number;
  @ApiProperty({ type: ReplayProgressDto }) progress!: ReplayProgressDto;
  @ApiProperty({ type: String, nullable: true }) error!: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) startedAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) finishedAt!: string | null;
}

/** What POST /v1/admin/replay/receipts answers at once: the operation that judges the receipts again. */
@ApiSchema({ name: 'ReplayReceiptsAnswer' })
export class ReplayReceiptsAnswerDto extends QueuedOperationDto {
  @ApiProperty({ description: 'Receipts to judge again (the ids given, each once).' }) receipts!: number;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'The source’s mapping version in force, with which the receipts are judged again.',
  })
  mappingVersion!: number | null;
  @ApiProperty({ description: 'The job doing the run (maintenance queue).' }) jobId!: string;
}
