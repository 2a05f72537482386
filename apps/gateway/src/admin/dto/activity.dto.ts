import { ApiProperty, ApiSchema } from '@nestjs/swagger';

/** One point of a chart: per-minute rates over the bucket, the lag and the backlog it saw. */
@ApiSchema({ name: 'ActivityPoint' })
export class ActivityPointDto {
  @ApiProperty({ type: String, format: 'date-time', description: 'Start of the bucket.' }) at!: string;
  @ApiProperty({ description: 'Record versions the pipeline wrote, per minute.' }) received!: number;
  @ApiProperty({ description: 'Of those, versions written quarantined, per minute.' }) quarantined!: number;
  @ApiProperty({ description: 'Versions the portal accepted, per minute.' }) synced!: number;
  @ApiProperty({
    type: Number,
    nullable: true,
    description:
      'Mean seconds from the receipt reaching the hub to the portal accepting its record; null when none synced.',
  })
  lagAvgSeconds!: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Longest such wait in the bucket; null when none synced.',
  })
  lagMaxSeconds!: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description:
      "Versions waiting for the portal (`ready`) at the bucket's last sample; null when not sampled.",
  })
  backlog!: number | null;
}

@ApiSchema({ name: 'QueueDepthPoint' })
export class QueueDepthPointDto {
  @ApiProperty({ type: String, format: 'date-time' }) at!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'number' },
    description: "Per queue: jobs waiting, active or delayed at the bucket's last sample.",
  })
  depth!: Record<string, number>;
}

/** GET /v1/admin/activity (docs/admin-ui.md, "Charts"). */
@ApiSchema({ name: 'ActivitySeries' })
export class ActivitySeriesDto {
  @ApiProperty({ enum: ['hour', 'day'] }) window!: 'hour' | 'day';
  @ApiProperty({
    description: 'Bucket length: 60 s for the hour, 300 s for the day (rates stay per minute).',
  })
  stepSeconds!: number;
  @ApiProperty({ type: String, format: 'date-time' }) from!: string;
  @ApiProperty({ type: String, format: 'date-time' }) to!: string;
  @ApiProperty({ type: String, nullable: true }) sourceKey!: string | null;
  @ApiProperty({ type: String, nullable: true }) provinceCode!: string | null;
  @ApiProperty({ type: [ActivityPointDto] }) points!: ActivityPointDto[];
  @ApiProperty({
    type: [QueueDepthPointDto],
    description: 'Hub-wide (queues are not per source or province).',
  })
  queueDepth!: QueueDepthPointDto[];
}
