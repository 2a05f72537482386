import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { OperationDto } from './operation.dto';

const COUNTS = {
  type: 'object',
  additionalProperties: { type: 'integer' },
  description: 'Keys per record kind (product, location, organization, lot, event).',
} as const;

@ApiSchema({ name: 'ReconciliationSide' })
export class ReconciliationSideDto {
  @ApiProperty(COUNTS) counts!: Record<string, number>;
  @ApiProperty({ description: 'sha256 summary digest of the keys and versions.' }) digest!: string;
}

@ApiSchema({ name: 'ReconciliationRunSide' })
export class ReconciliationRunSideDto {
  @ApiProperty({ ...COUNTS, nullable: true }) counts!: Record<string, number> | null;
  @ApiProperty({ type: String, nullable: true }) digest!: string | null;
}

@ApiSchema({ name: 'ReconciliationDifference' })
export class ReconciliationDifferenceDto {
  @ApiProperty() kind!: string;
  @ApiProperty() key!: string;
  @ApiProperty({ type: 'integer' }) hubVersion!: number;
  @ApiProperty({ type: 'integer', nullable: true, description: 'Null: the portal does not hold the key.' })
  portalVersion!: number | null;
  @ApiPropertyOptional({ description: 'What the repair did (resend-as-<n>, adopted, in-flight…).' })
  action?: string;
}

@ApiSchema({ name: 'ReconciliationRun' })
export class ReconciliationRunDto {
  @ApiProperty() id!: string;
  @ApiProperty() provinceCode!: string;
  @ApiProperty({ enum: ['production', 'sandbox'] }) target!: 'production' | 'sandbox';
  @ApiProperty({ description: 'schedule, operator or sync.' }) trigger!: string;
  @ApiProperty({ type: String, nullable: true }) requestedBy!: string | null;
  @ApiProperty({ format: 'date-time' }) startedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) finishedAt!: string | null;
  @ApiProperty({ type: Boolean, nullable: true }) agreed!: boolean | null;
  @ApiProperty({ type: ReconciliationRunSideDto }) hub!: ReconciliationRunSideDto;
  @ApiProperty({ type: ReconciliationRunSideDto }) portal!: ReconciliationRunSideDto;
  @ApiProperty({ type: [ReconciliationDifferenceDto] }) differing!: ReconciliationDifferenceDto[];
  @ApiProperty({ type: 'integer', description: 'Keys read back.' }) checked!: number;
  @ApiProperty({ type: 'integer', description: 'Keys past RECONCILE_MAX_READBACK, not read back.' })
  unchecked!: number;
  @ApiProperty({ type: 'integer', nullable: true, description: 'Keys only the portal holds, when known.' })
  portalOnly!: number | null;
  @ApiProperty({ type: 'integer' }) repaired!: number;
  @ApiProperty({ type: String, nullable: true }) error!: string | null;
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: "The operation of an operator's run; null for scheduled runs.",
  })
  operationId!: string | null;
}

@ApiSchema({ name: 'Reconciliation' })
export class ReconciliationDto {
  @ApiProperty() provinceCode!: string;
  @ApiProperty({ enum: ['production', 'sandbox'] }) target!: 'production' | 'sandbox';
  @ApiProperty({ type: Boolean, nullable: true, description: 'Null when the portal could not be asked.' })
  agreed!: boolean | null;
  @ApiProperty({ type: ReconciliationSideDto }) hub!: ReconciliationSideDto;
  @ApiProperty({ type: ReconciliationSideDto, nullable: true }) portal!: ReconciliationSideDto | null;
  @ApiProperty({ format: 'date-time' }) comparedAt!: string;
  @ApiProperty({ type: String, nullable: true, description: 'Why the portal could not be asked.' })
  error!: string | null;
  @ApiProperty({ type: ReconciliationRunDto, nullable: true }) latest!: ReconciliationRunDto | null;
  @ApiProperty({ type: [ReconciliationRunDto], description: 'The nine runs before the latest.' })
  previous!: ReconciliationRunDto[];
}

@ApiSchema({ name: 'ReconciliationLinks' })
export class ReconciliationLinksDto {
  @ApiProperty({ description: 'GET: the operation, its progress and, once ended, its result.' })
  operation!: string;
  @ApiProperty({ description: 'GET: the comparison and the runs, this one among them once it ends.' })
  reconciliation!: string;
}

@ApiSchema({ name: 'ReconciliationStarted' })
export class ReconciliationStartedDto extends OperationDto {
  @ApiProperty({ type: ReconciliationLinksDto }) links!: ReconciliationLinksDto;
}
