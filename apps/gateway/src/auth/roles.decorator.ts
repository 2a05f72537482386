import { SetMetadata } from '@nestjs/common';
import { type Role } from '@txng/persistence';

export const REQUIRED_ROLE = 'txng:required-role';
export const PUBLIC_ROUTE = 'txng:public-route';

/** The least role a handler needs: viewer < operator < admin (hub-interface.md, "Operator API"). */
export const RequireRole = (role: Role): MethodDecorator & ClassDecorator => SetMetadata(REQUIRED_ROLE, role);

/**
 * A route anyone may call without a token. Routes are closed by default (TokenAuthGuard): a handler
 * with neither this nor RequireRole needs the admin role, so a forgotten decorator fails closed.
 * Public today: webhook intake (its own signature check), /health/live and /health/ready, /metrics.
 * `/docs` and the admin UI's static files are plain Express routes outside Nest's guards.
 */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_ROUTE, true);
