import { ApiProperty, ApiSchema } from '@nestjs/swagger';

/** GET /v1/admin/whoami: the calling token as the admin UI signs in with it. */
@ApiSchema({ name: 'WhoAmI' })
export class WhoAmIDto {
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['viewer', 'operator', 'admin'] }) role!: 'viewer' | 'operator' | 'admin';
  @ApiProperty({
    type: [String],
    nullable: true,
    description: 'The provinces the token is scoped to (codes); null: the whole country.',
  })
  provinces!: string[] | null;
}
