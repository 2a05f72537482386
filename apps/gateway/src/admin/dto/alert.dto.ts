import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { ALERT_CODES } from '@txng/persistence';

/** An active alert (hub-interface.md, "v1 additions"). */
@ApiSchema({ name: 'Alert' })
export class AlertDto {
  @ApiProperty({ example: 'QUARANTINE_RATE:can-tho' }) id!: string;
  @ApiProperty({ enum: ALERT_CODES }) code!: (typeof ALERT_CODES)[number];
  @ApiProperty({ type: String, nullable: true }) provinceCode!: string | null;
  @ApiProperty({ type: String, nullable: true }) sourceKey!: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) since!: string;
  @ApiProperty({ description: "The hub's own English sentence with the figures." }) message!: string;
}

@ApiSchema({ name: 'AlertList' })
export class AlertListDto {
  @ApiProperty({ type: [AlertDto] }) items!: AlertDto[];
}
