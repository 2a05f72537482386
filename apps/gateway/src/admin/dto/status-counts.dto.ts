import { ApiProperty, ApiSchema } from '@nestjs/swagger';

/** Versions per status (latest of each record) and open conflicts, as the overview counts them. */
@ApiSchema({ name: 'StatusCounts' })
export class StatusCountsDto {
  @ApiProperty() ready!: number;
  @ApiProperty() quarantined!: number;
  @ApiProperty() conflict!: number;
  @ApiProperty() rejected!: number;
  @ApiProperty() failed!: number;
  @ApiProperty() synced!: number;
  @ApiProperty() openConflicts!: number;
}
