import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppError, ErrorCode } from '@txng/common';
import { ApiTokensService, type Principal, type Role } from '@txng/persistence';
import { type Request } from 'express';
import { PROVINCE_SCOPED, PUBLIC_ROUTE, REQUIRED_ROLE } from './roles.decorator';

const RANK: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };

export interface AuthenticatedRequest extends Request {
  principal?: Principal;
}

/**
 * Bearer token → principal; 401 without a valid token, 403 when the role is not enough. Deny by
 * default: only `@Public()` routes skip it, a route that names no role needs admin, and a
 * province-scoped token reaches only `@ProvinceScoped()` routes.
 */
@Injectable()
export class TokenAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: ApiTokensService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const required = this.requiredRole(context);
    if (required === 'public') return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) {
      throw new AppError(
        ErrorCode.Unauthorized,
        'Send an operator token as "Authorization: Bearer <token>".',
        { status: 401, headers: { 'WWW-Authenticate': 'Bearer' } },
      );
    }
    const principal = await this.tokens.authenticate(match[1]);
    if (!principal) {
      throw new AppError(ErrorCode.Unauthorized, 'The token is unknown or revoked.', {
        status: 401,
        headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' },
      });
    }
    if (RANK[principal.role] < RANK[required]) {
      throw new AppError(
        ErrorCode.Forbidden,
        `This needs the ${required} role; the token "${principal.name}" has ${principal.role}.`,
        { status: 403 },
      );
    }
    if (principal.provinces !== null && !this.provinceScoped(context)) {
      throw new AppError(
        ErrorCode.Forbidden,
        `This is the Center's, across every province; the token "${principal.name}" is limited to ${principal.provinces.join(', ')}.`,
        { status: 403 },
      );
    }
    request.principal = principal;
    return true;
  }

  /** Whether the handler or its controller takes the caller's provinces (deny by default). */
  private provinceScoped(context: ExecutionContext): boolean {
    return [context.getHandler(), context.getClass()].some(
      (target) => this.reflector.get<boolean | undefined>(PROVINCE_SCOPED, target) === true,
    );
  }

  /** The handler's own decorator wins over its controller's; with none at all, admin. */
  private requiredRole(context: ExecutionContext): Role | 'public' {
    for (const target of [context.getHandler(), context.getClass()]) {
      if (this.reflector.get<boolean | undefined>(PUBLIC_ROUTE, target) === true) return 'public';
      const role = this.reflector.get<Role | undefined>(REQUIRED_ROLE, target);
      if (role) return role;
    }
    return 'admin';
  }
}
