import { ApiExtraModels, ApiProperty, ApiSchema, getSchemaPath } from '@nestjs/swagger';
import { RecordViewDto } from './record.dto';

@ApiSchema({ name: 'ConflictParty' })
export class ConflictPartyDto {
  @ApiProperty() taxCode!: string;
  @ApiProperty({ type: String, nullable: true }) name!: string | null;
  @ApiProperty({ type: String, nullable: true }) gln!: string | null;
  @ApiProperty({ type: String, nullable: true }) provinceCode!: string | null;
  @ApiProperty({ type: String, nullable: true, description: "The registry's status of the prefix." })
  status!: string | null;
  @ApiProperty({ enum: ['registry', 'hub', 'none'], description: 'Where the name and details come from.' })
  from!: 'registry' | 'hub' | 'none';
}

@ApiSchema({ name: 'ConflictOrigin' })
export class ConflictOriginDto {
  @ApiProperty({ type: String, nullable: true }) provinceCode!: string | null;
  @ApiProperty() source!: string;
  @ApiProperty({ type: String, nullable: true }) sourceName!: string | null;
  @ApiProperty({ format: 'uuid' }) receiptId!: string;
  @ApiProperty({ type: String, nullable: true }) webhookId!: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) at!: string;
}

@ApiSchema({ name: 'RegistryOwner' })
export class RegistryOwnerDto {
  @ApiProperty() prefix!: string;
  @ApiProperty({ enum: ['active', 'revoked'] }) status!: 'active' | 'revoked';
  @ApiProperty({
    type: 'object',
    properties: {
      taxCode: { type: 'string' },
      name: { type: 'string', nullable: true },
      gln: { type: 'string', nullable: true },
    },
    required: ['taxCode', 'name', 'gln'],
  })
  owner!: { taxCode: string; name: string | null; gln: string | null };
  @ApiProperty({ type: String, format: 'date-time', description: 'When the hub asked the registry.' })
  fetchedAt!: string;
}

@ApiSchema({ name: 'ConflictSide' })
export class ConflictSideDto {
  @ApiProperty({ enum: ['record', 'registry', 'none'] }) what!: 'record' | 'registry' | 'none';
  @ApiProperty({ type: ConflictPartyDto, nullable: true }) party!: ConflictPartyDto | null;
  @ApiProperty({ type: ConflictOriginDto, nullable: true }) origin!: ConflictOriginDto | null;
  @ApiProperty({ type: RegistryOwnerDto, required: false }) registry?: RegistryOwnerDto;
}

@ApiSchema({ name: 'ConflictSides' })
export class ConflictSidesDto {
  @ApiProperty({ type: ConflictSideDto }) existing!: ConflictSideDto;
  @ApiProperty({ type: ConflictSideDto }) incoming!: ConflictSideDto;
}

/**
 * A side of a conflict that lies in another province, as a province-scoped token is answered: which
 * province, kind and key, never its data (docs/security.md, "Province-scoped tokens").
 */
@ApiSchema({ name: 'WithheldSide' })
export class WithheldSideDto {
  @ApiProperty({ enum: [true] }) withheld!: true;
  @ApiProperty({ type: String, nullable: true }) provinceCode!: string | null;
  @ApiProperty() kind!: string;
  @ApiProperty() key!: string;
}

const recordOrWithheld = [{ $ref: getSchemaPath(RecordViewDto) }, { $ref: getSchemaPath(WithheldSideDto) }];

@ApiSchema({ name: 'Conflict' })
@ApiExtraModels(RecordViewDto, WithheldSideDto)
export class ConflictDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'KEY_CLAIMED' }) code!: string;
  @ApiProperty() kind!: string;
  @ApiProperty() key!: string;
  @ApiProperty({ enum: ['open', 'resolved'] }) status!: 'open' | 'resolved';
  @ApiProperty({
    // OpenAPI 3.0 has no null type: `nullable` needs a `type`, so null is the third choice of oneOf.
    oneOf: [...recordOrWithheld, { type: 'string', nullable: true, enum: [null] }],
    description: "The record already holding the key; a province token is answered another province's as a WithheldSide.",
  })
  existing!: RecordViewDto | WithheldSideDto | null;
  @ApiProperty({
    oneOf: recordOrWithheld,
    description: "The arriving record; a province token is answered another province's as a WithheldSide.",
  })
  incoming!: RecordViewDto | WithheldSideDto;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) resolvedAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) decision!: string | null;
  @ApiProperty({ type: String, nullable: true }) note!: string | null;
  @ApiProperty({ type: String, nullable: true }) resolvedBy!: string | null;
  @ApiProperty({
    type: ConflictSidesDto,
    required: false,
    description:
      "What each side is and where it came from (in lists; for GTIN_PREFIX_OWNER the registry's owner).",
  })
  sides?: ConflictSidesDto;
}

@ApiSchema({ name: 'ConflictPage' })
export class ConflictPageDto {
  @ApiProperty({ type: [ConflictDto] }) items!: ConflictDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}
