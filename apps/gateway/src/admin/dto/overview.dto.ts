import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { StatusCountsDto } from './status-counts.dto';

@ApiSchema({ name: 'SyncState' })
export class SyncStateDto {
  @ApiProperty({ description: 'Versions waiting for the portal (`ready`).' }) pending!: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastSyncedAt!: string | null;
  @ApiProperty({
    description: 'False until the sync migration has run: pending and lastSyncedAt are then unknown.',
  })
  available!: boolean;
}

@ApiSchema({ name: 'SourceOverview' })
export class SourceOverviewDto {
  @ApiProperty() key!: string;
  @ApiProperty() name!: string;
  @ApiProperty() kind!: string;
  @ApiProperty() format!: string;
  @ApiProperty() stage!: string;
  @ApiProperty() health!: string;
  @ApiProperty({ type: String, nullable: true }) lastError!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastReceiptAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastPollAt!: string | null;
  @ApiProperty({
    description: 'Seconds the oldest `ready` version has waited for the portal; 0 when nothing waits.',
  })
  lagSeconds!: number;
  @ApiProperty({ description: 'Versions the pipeline wrote in the last 5 minutes, per minute.' })
  recordsPerMinute!: number;
  @ApiProperty({ type: StatusCountsDto }) counts!: StatusCountsDto;
  @ApiProperty({ type: SyncStateDto }) sync!: SyncStateDto;
}

@ApiSchema({ name: 'ReconciliationSummary' })
export class ReconciliationSummaryDto {
  @ApiProperty() target!: string;
  @ApiProperty({ type: String, format: 'date-time' }) startedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) finishedAt!: string | null;
  @ApiProperty({ type: Boolean, nullable: true }) agreed!: boolean | null;
  @ApiProperty() differing!: number;
  @ApiProperty({ type: Number, nullable: true }) repaired!: number | null;
  @ApiProperty({ type: String, nullable: true }) error!: string | null;
}

@ApiSchema({ name: 'ProvinceOverview' })
export class ProvinceOverviewDto {
  @ApiProperty() code!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: StatusCountsDto }) counts!: StatusCountsDto;
  @ApiProperty({ type: [SourceOverviewDto] }) sources!: SourceOverviewDto[];
  @ApiProperty({ type: ReconciliationSummaryDto, nullable: true })
  reconciliation!: ReconciliationSummaryDto | null;
}

@ApiSchema({ name: 'OverviewTotals' })
export class OverviewTotalsDto extends StatusCountsDto {
  @ApiProperty() recordsPerMinute!: number;
}

@ApiSchema({ name: 'Overview' })
export class OverviewDto {
  @ApiProperty({ type: String, format: 'date-time' }) generatedAt!: string;
  @ApiProperty({ type: OverviewTotalsDto }) totals!: OverviewTotalsDto;
  @ApiProperty({ type: [ProvinceOverviewDto] }) provinces!: ProvinceOverviewDto[];
}
