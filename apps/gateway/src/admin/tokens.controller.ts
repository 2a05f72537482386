import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { badRequest, notFound } from '@txng/common';
import { isCurrentProvinceCode } from '@txng/national-model';
import { ApiTokensService, AuditService, type Principal, type Role } from '@txng/persistence';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsOptional, IsString, Length } from 'class-validator';
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

  @ApiPropertyOptional({
    example: ['92'],
    description: 'Current province codes the token is limited to (viewer or operator only).',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(34)
  @IsString({ each: true })
  @Length(2, 2, { each: true })
  provinces?: string[];
}

/** The token's provinces, checked: current codes, each once, never with the admin role (hub-interface.md, "v1 additions"). */
function checkedProvinces(body: CreateTokenDto): string[] | null {
  if (body.provinces === undefined) return null;
  if (body.role === 'admin') {
    throw badRequest('An admin token sees the whole country; a province token is a viewer or an operator.', [
      { path: '/provinces', message: 'not allowed with role admin' },
    ]);
  }
  const unknown = body.provinces.filter((code) => !isCurrentProvinceCode(code));
  if (unknown.length > 0) {
    throw badRequest(
      `provinces must be codes of the 34 provinces in force since 2025-07-01; unknown: ${unknown.join(', ')}.`,
      unknown.map((code) => ({ path: '/provinces', message: `unknown province "${code}"` })),
    );
  }
  return [...new Set(body.provinces)].sort();
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
  ): Promise<{ id: string; token: string; name: string; role: Role; provinces: string[] | null }> {
    const provinces = checkedProvinces(body);
    const created = await this.tokens.create(
      body.name.normalize('NFC').trim(),
      body.role,
      who.actor,
      provinces,
    );
    await this.audit.record({
      actor: who.actor,
      action: 'token.create',
      target: created.id,
      details: { name: body.name, role: body.role, provinces },
    });
    return { ...created, name: body.name, role: body.role, provinces };
  }

  @Get()
  async list(): Promise<{ items: unknown[]; nextCursor: null }> {
    const rows = await this.tokens.list();
    return {
      items: rows.map((t) => ({
        id: t.id,
        name: t.name,
        role: t.role,
        provinces: t.provinces,
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
