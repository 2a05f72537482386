import { Controller, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { type Request, type Response } from 'express';
import { timingSafeEqual } from 'node:crypto';
import { SimHttpError } from '../http/sim-http.error';
import { SimContext } from '../state/sim-context';

/** OAuth 2.0 client credentials grant (RFC 6749 §4.4), form body or HTTP Basic (§2.3.1). */
@Controller('oauth')
export class OAuthController {
  constructor(@Inject(SimContext) private readonly sim: SimContext) {}

  @Post('token')
  @HttpCode(200)
  token(@Req() req: Request, @Res({ passthrough: true }) res: Response): Record<string, unknown> {
    if (!req.is('application/x-www-form-urlencoded')) {
      throw new SimHttpError(400, {
        error: 'invalid_request',
        error_description: 'use Content-Type application/x-www-form-urlencoded',
      });
    }
    const form = (req.body ?? {}) as Record<string, unknown>;
    if (form.grant_type !== 'client_credentials') {
      throw new SimHttpError(400, {
        error: 'unsupported_grant_type',
        error_description: 'only grant_type=client_credentials is supported',
      });
    }
    const [id, secret] = credentials(req, form);
    const expected = id === undefined ? undefined : this.sim.config.clients.get(id);
    if (id === undefined || secret === undefined || expected === undefined || !sameSecret(expected, secret)) {
      throw new SimHttpError(
        401,
        { error: 'invalid_client' },
        { 'WWW-Authenticate': 'Basic realm="portal"' },
      );
    }
    const issued = this.sim.tokens.issue(id);
    this.sim.stats.tokensIssued += 1;
    res.set('Cache-Control', 'no-store');
    return { access_token: issued.accessToken, token_type: 'Bearer', expires_in: issued.expiresIn };
  }
}

function credentials(req: Request, form: Record<string, unknown>): [string | undefined, string | undefined] {
  const basic = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (basic?.[1]) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const at = decoded.indexOf(':');
    if (at > 0) return [decodeURIComponent(decoded.slice(0, at)), decodeURIComponent(decoded.slice(at + 1))];
  }
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
  return [str(form.client_id), str(form.client_secret)];
}

function sameSecret(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
