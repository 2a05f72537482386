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

export const PROVINCE_SCOPED = 'txng:province-scoped';

/**
 * A route whose queries take the caller's provinces (hub-interface.md, "v1 additions"): only such
 * routes answer a province-scoped token. Every other route refuses one (403), so a route added
 * without thinking about provinces is closed to them rather than open to every province's data.
 */
export const ProvinceScoped = (): MethodDecorator & ClassDecorator => SetMetadata(PROVINCE_SCOPED, true);
