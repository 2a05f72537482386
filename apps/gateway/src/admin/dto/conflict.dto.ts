import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { RecordViewDto } from './record.dto';

@ApiSchema({ name: 'Conflict' })
export class ConflictDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'KEY_CLAIMED' }) code!: string;
  @ApiProperty() kind!: string;
  @ApiProperty() key!: string;
  @ApiProperty({ enum: ['open', 'resolved'] }) status!: 'open' | 'resolved';
  @ApiProperty({ type: RecordViewDto, nullable: true }) existing!: RecordViewDto | null;
  @ApiProperty({ type: RecordViewDto }) incoming!: RecordViewDto;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) resolvedAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) decision!: string | null;
  @ApiProperty({ type: String, nullable: true }) note!: string | null;
  @ApiProperty({ type: String, nullable: true }) resolvedBy!: string | null;
}

@ApiSchema({ name: 'ConflictPage' })
export class ConflictPageDto {
  @ApiProperty({ type: [ConflictDto] }) items!: ConflictDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}
