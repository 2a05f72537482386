import { ApiProperty, ApiSchema } from '@nestjs/swagger';

export const ROLLOUT_STAGES = ['no-system', 'draft', 'testing', 'syncing'] as const;
export type RolloutStage = (typeof ROLLOUT_STAGES)[number];

/** A source as the roll-out lists it under its province. */
@ApiSchema({ name: 'RolloutSource' })
export class RolloutSourceDto {
  @ApiProperty() key!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['webhook', 'poll'] }) kind!: 'webhook' | 'poll';
  @ApiProperty({ enum: ['json', 'xml', 'csv', 'epcis-json', 'epcis-xml'] }) format!: string;
  @ApiProperty({ enum: ['draft', 'testing', 'active', 'paused'] }) stage!:
    'draft' | 'testing' | 'active' | 'paused';
  @ApiProperty({ enum: ['draft', 'testing', 'active', 'paused', 'unhealthy'] })
  status!: 'draft' | 'testing' | 'active' | 'paused' | 'unhealthy';
}

@ApiSchema({ name: 'ProvinceRollout' })
export class ProvinceRolloutDto {
  @ApiProperty({ example: '92' }) code!: string;
  @ApiProperty() name!: string;
  @ApiProperty({
    enum: ROLLOUT_STAGES,
    description:
      "The furthest any of the province's sources has come (a paused source counts as paused from).",
  })
  stage!: RolloutStage;
  @ApiProperty({ type: [RolloutSourceDto] }) sources!: RolloutSourceDto[];
}

@ApiSchema({ name: 'LegacyProvince' })
export class LegacyProvinceDto {
  @ApiProperty({ description: 'A pre-2025 province code.' }) code!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'The current province it was merged into.' }) mergedInto!: string;
}

@ApiSchema({ name: 'RolloutSummary' })
export class RolloutSummaryDto {
  @ApiProperty() provinces!: number;
  @ApiProperty() noSystem!: number;
  @ApiProperty() draft!: number;
  @ApiProperty() testing!: number;
  @ApiProperty() syncing!: number;
}

@ApiSchema({ name: 'ProvinceName' })
export class ProvinceNameDto {
  @ApiProperty({ example: '92' }) code!: string;
  @ApiProperty({ example: 'Thành phố Cần Thơ' }) name!: string;
}

/** GET /v1/admin/provinces: the national roll-out. */
@ApiSchema({ name: 'ProvincePage' })
export class ProvincePageDto {
  @ApiProperty({ type: [ProvinceRolloutDto] }) items!: ProvinceRolloutDto[];
  @ApiProperty({ type: 'null', description: 'Always null: every province is on one page.' })
  nextCursor!: null;
  @ApiProperty({
    type: [ProvinceNameDto],
    description:
      "Every current province's code and name (public), also for a province token whose items are its own, " +
      'so its screens can name the other province of a conflict.',
  })
  names!: ProvinceNameDto[];
  @ApiProperty({
    type: [LegacyProvinceDto],
    description:
      'The pre-2025 codes (Decision 19/2025/QĐ-TTg crosswalk) with the province each was merged into, so a ' +
      "record's legacyProvinceCode can be named.",
  })
  legacy!: LegacyProvinceDto[];
  @ApiProperty({ type: RolloutSummaryDto }) summary!: RolloutSummaryDto;
}
