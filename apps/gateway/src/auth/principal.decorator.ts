import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { type Principal } from '@txng/persistence';
import { type AuthenticatedRequest } from './token-auth.guard';

/** The authenticated caller; only on handlers guarded by RequireRole. */
export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on a handler without RequireRole');
  return principal;
});
