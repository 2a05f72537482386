import { ApiProperty, ApiSchema } from '@nestjs/swagger';

@ApiSchema({ name: 'DeliveryAttempt' })
export class DeliveryAttemptDto {
  @ApiProperty({ type: String, format: 'date-time' }) at!: string;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: "The province system's HTTP status, if it answered.",
  })
  statusCode!: number | null;
  @ApiProperty({ type: String, nullable: true }) error!: string | null;
  @ApiProperty() durationMs!: number;
  @ApiProperty({ description: 'Sent again by an operator.' }) manual!: boolean;
}

/** One signed callback to a source's system, with every attempt (never its payload). */
@ApiSchema({ name: 'Delivery' })
export class DeliveryDto {
  @ApiProperty() id!: string;
  @ApiProperty({ description: 'The `X-Webhook-Id` the callback carries.' }) webhookId!: string;
  @ApiProperty({ example: 'receipt.processed' }) type!: string;
  @ApiProperty({ enum: ['pending', 'delivered', 'failed'] }) status!: 'pending' | 'delivered' | 'failed';
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) deliveredAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) nextAttemptAt!: string | null;
  @ApiProperty({ type: [DeliveryAttemptDto] }) attempts!: DeliveryAttemptDto[];
}

@ApiSchema({ name: 'DeliveryPage' })
export class DeliveryPageDto {
  @ApiProperty({ type: [DeliveryDto] }) items!: DeliveryDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}
