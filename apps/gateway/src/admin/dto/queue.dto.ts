import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { ALL_QUEUES, type QueueName } from '@txng/queues';

@ApiSchema({ name: 'QueueStats' })
export class QueueStatsDto {
  @ApiProperty({ enum: ALL_QUEUES }) name!: QueueName;
  @ApiProperty() paused!: boolean;
  @ApiProperty() waiting!: number;
  @ApiProperty() active!: number;
  @ApiProperty() delayed!: number;
  @ApiProperty() failed!: number;
  @ApiProperty() completed!: number;
  @ApiProperty({ description: "Jobs completed in the last minute (from BullMQ's per-minute metrics)." })
  completedLastMinute!: number;
}

@ApiSchema({ name: 'QueueListItem' })
export class QueueListItemDto extends QueueStatsDto {
  @ApiProperty({ description: 'The same as completedLastMinute.' }) throughputPerMinute!: number;
}

@ApiSchema({ name: 'QueuePage' })
export class QueuePageDto {
  @ApiProperty({ type: [QueueListItemDto] }) items!: QueueListItemDto[];
  @ApiProperty({ type: 'null', description: 'Always null: every queue is on one page.' })
  nextCursor!: null;
}

@ApiSchema({ name: 'QueueRetried' })
export class QueueRetriedDto extends QueueStatsDto {
  @ApiProperty({ description: 'Failed jobs moved back to waiting.' }) retried!: number;
}
