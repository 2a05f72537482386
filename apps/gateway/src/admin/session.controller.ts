import { Controller, Delete, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { HUB_CONFIG, type HubConfig, REDIS_CLIENT } from '@txng/common';
import type Redis from 'ioredis';
import { AuditService, type Principal } from '@txng/persistence';
import { type Request, type Response } from 'express';
import {
  BOARD_PATH,
  BOARD_SESSION_SECONDS,
  type BoardSession,
  boardCookieHeader,
  clearBoardCookieHeader,
  endBoardSessions,
  newSessionId,
  rememberBoardSession,
  signBoardSession,
  tokenBinding,
  tokenHash,
} from '../admin-ui/board-session';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { ProvinceScoped, RequireRole } from '../auth/roles.decorator';
import { WhoAmIDto } from './dto/session.dto';

@ApiTags('admin: session')
@ApiBearerAuth()
@Controller('v1/admin')
export class SessionController {
  constructor(
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    private readonly audit: AuditService,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {}

  @Get('whoami')
  @RequireRole('viewer')
  @ProvinceScoped()
  @ApiOkResponse({ type: WhoAmIDto })
  @ApiOperation({
    summary:
      'The name, role and provinces of the calling token (provinces null: the whole country); the admin UI signs in with it.',
  })
  whoami(@CurrentPrincipal() who: Principal): WhoAmIDto {
    return { name: who.name, role: who.role, provinces: who.provinces === null ? null : [...who.provinces] };
  }

  @Post('session')
  @RequireRole('operator')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Sets an HttpOnly, SameSite=Strict cookie accepted only by the queue board (/admin/queues/board), so a browser can open it.',
  })
  async open(
    @CurrentPrincipal() who: Principal,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<{ path: string; expiresAt: string }> {
    const exp = Date.now() + BOARD_SESSION_SECONDS * 1000;
    // The guard accepted exactly this header, so the token is there.
    const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')![1];
    const session: BoardSession = {
      actor: who.actor,
      role: who.role,
      exp,
      sid: newSessionId(),
      bind: tokenBinding(this.config.secretKey, tokenHash(token)),
    };
    await rememberBoardSession(this.redis, session);
    const value = signBoardSession(this.config.secretKey, session);
    res.setHeader('Set-Cookie', boardCookieHeader(value, overHttps(req)));
    res.setHeader('Cache-Control', 'no-store');
    await this.audit.record({ actor: who.actor, action: 'board-session.open', target: BOARD_PATH });
    return { path: BOARD_PATH, expiresAt: new Date(exp).toISOString() };
  }

  @Delete('session')
  @RequireRole('viewer')
  @ProvinceScoped() // ends only the caller's own board sessions (a province token never has one)
  @HttpCode(204)
  @ApiOperation({
    summary:
      "Signs the calling token out of the queue board: ends every board session it opened (the cookie's path keeps it from this request) and clears this browser's cookie.",
  })
  async close(
    @CurrentPrincipal() who: Principal,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<void> {
    await endBoardSessions(this.redis, who.actor);
    res.setHeader('Set-Cookie', clearBoardCookieHeader(overHttps(req)));
  }
}

/**
 * Whether the browser reached the hub over HTTPS, directly or through a TLS-terminating proxy (the
 * gateway sets no `trust proxy`, so `req.secure` alone is false behind one). Believing a forged
 * X-Forwarded-Proto only adds `Secure`, which can harm nobody but the forger's own session.
 */
function overHttps(req: Request): boolean {
  const forwarded = req.headers['x-forwarded-proto'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
  return req.secure || first === 'https';
}
