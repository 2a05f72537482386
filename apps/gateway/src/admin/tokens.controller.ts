import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { notFound } from '@txng/common';
import { ApiTokensService, AuditService, type Principal, type Role } from '@txng/persistence';
import { IsIn, IsString, Length } from 'class-validator';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { RequireRole } from '../auth/roles.decorator';

export class CreateTokenDto {
  @ApiProperty({ example: 'Cần Thơ onboarding' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty({ enum: ['viewer', 'operator', 'admin'] })
  @IsIn(['viewer', 'operator', 'admin'])
  role!: Role;
}

@ApiTags('admin: tokens')
@ApiBearerAuth()
@RequireRole('admin')
@Controller('v1/admin/tokens')
export class TokensController {
  constructor(
    private readonly tokens: ApiTokensService,
    private readonly audit: AuditService,
  ) {}

  /** The token is in this answer only; the hub keeps its hash. */
  @Post()
  async create(
    @Body() body: CreateTokenDto,
    @CurrentPrincipal() who: Principal,
  ): Promise<{ id: string; token: string; name: string; role: Role }> {
    const created = await this.tokens.create(body.name.normalize('NFC').trim(), body.role, who.actor);
    await this.audit.record({
      actor: who.actor,
      action: 'token.create',
      target: created.id,
      details: { name: body.name, role: body.role },
    });
    return { ...created, name: body.name, role: body.role };
  }

  @Get()
  async list(): Promise<{ items: unknown[]; nextCursor: null }> {
    const rows = await this.tokens.list();
    return {
      items: rows.map((t) => ({
        id: t.id,
        name: t.name,
        role: t.role,
        createdBy: t.createdBy,
        createdAt: t.createdAt,
        lastUsedAt: t.lastUsedAt,
        revokedAt: t.revokedAt,
      })),
      nextCursor: null,
    };
  }

  @Delete(':id')
  @HttpCode(204)
  async revoke(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentPrincipal() who: Principal,
  ): Promise<void> {
    if (!(await this.tokens.revoke(id))) throw notFound(`Live token ${id}`);
    await this.audit.record({ actor: who.actor, action: 'token.revoke', target: id });
  }
}
