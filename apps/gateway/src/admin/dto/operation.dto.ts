import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import {
  OPERATION_KINDS,
  OPERATION_STATES,
  type OperationKind,
  type OperationState,
} from '@txng/persistence';

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
