import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import {
  OPERATION_KINDS,
  OPERATION_STATES,
  type OperationKind,
  type OperationState,
} from '@txng/persistence';
import { type OperationView } from '@txng/jobs';

@ApiSchema({ name: 'Operation' })
export class OperationDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: OPERATION_KINDS }) kind!: OperationKind;
  @ApiProperty({
    enum: OPERATION_STATES,
    description: 'cancelling: a cancel was asked for and takes effect at the next item.',
  })
  state!: OperationState;
  @ApiProperty({ description: 'Who asked for it (token:<id>).' }) actor!: string;
  @ApiProperty({ type: 'string', nullable: true }) provinceCode!: string | null;
  @ApiProperty({ type: 'string', nullable: true }) sourceKey!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'What it was asked to do.' })
  params!: Record<string, unknown>;
  @ApiProperty({ type: 'integer', nullable: true, description: 'Items to do; null while not yet known.' })
  total!: number | null;
  @ApiProperty({ type: 'integer' }) done!: number;
  @ApiProperty({
    type: 'integer',
    description: 'Items that could not be done (each one said why in the audit log or the run).',
  })
  failed!: number;
  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: '(done + failed) of total, 0–100; 100 once done.',
  })
  percent!: number | null;
  @ApiProperty({ type: 'number', nullable: true, description: 'Items per second since it started.' })
  ratePerSecond!: number | null;
  @ApiProperty({ type: 'integer', nullable: true, description: 'Seconds left at that rate, while it runs.' })
  secondsLeft!: number | null;
  @ApiProperty({ description: 'Whether POST …/cancel can still stop it.' }) cancellable!: boolean;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) cancelRequestedAt!: string | null;
  @ApiProperty({ type: 'string', nullable: true }) cancelRequestedBy!: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'What it did, once ended.',
  })
  result!: Record<string, unknown> | null;
  @ApiProperty({ type: 'string', nullable: true }) error!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) startedAt!: string | null;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) finishedAt!: string | null;
}

@ApiSchema({ name: 'OperationPage' })
export class OperationPageDto {
  @ApiProperty({ type: [OperationDto] }) items!: OperationDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as cursor for the next page.' })
  nextCursor!: string | null;
}

@ApiSchema({ name: 'OperationLinks' })
export class OperationLinksDto {
  @ApiProperty({ example: '/v1/admin/operations/6f1c…', description: 'GET: its progress.' }) self!: string;
  @ApiProperty({ example: '/v1/admin/operations/6f1c…/cancel', description: 'POST: stop it.' })
  cancel!: string;
}

/** A long piece of work just asked for: the operation as it is now, and where to watch and stop it. */
@ApiSchema({ name: 'StartedOperation' })
export class StartedOperationDto extends OperationDto {
  @ApiProperty({ type: OperationLinksDto }) links!: OperationLinksDto;
}

/** The 202 answer of a request that started an operation, as StartedOperationDto: it and its links. */
export function startedOperation(op: OperationView): StartedOperationDto {
  const self = `/v1/admin/operations/${op.id}`;
  return { ...op, links: { self, cancel: `${self}/cancel` } };
}

/**
 * The 202 answer of a request that started an operation and says what it matched rather than the
 * whole operation (a bulk decision, a replay of chosen receipts): the operation's id, what each
 * answers of its own, `state: "queued"`. Each answer's schema extends this one; queuedOperation
 * builds the body.
 */
export abstract class QueuedOperationDto {
  @ApiProperty({
    format: 'uuid',
    description: 'GET /v1/admin/operations/{id} shows its progress; POST …/cancel stops it.',
  })
  operationId!: string;
  @ApiProperty({ enum: ['queued'] }) state!: 'queued';
}

/** A QueuedOperationDto's body: the id first, `state` last, as every such answer is written. */
export function queuedOperation<T extends object>(
  operationId: string,
  fields: T,
): { operationId: string } & T & { state: 'queued' } {
  return { operationId, ...fields, state: 'queued' };
}
