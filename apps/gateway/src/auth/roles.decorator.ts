import { SetMetadata } from '@nestjs/common';
import { type Role } from '@txng/persistence';

export const REQUIRED_ROLE = 'txng:required-role';

/** The least role a handler needs: viewer < operator < admin (hub-interface.md, "Operator API"). */
export const RequireRole = (role: Role): MethodDecorator & ClassDecorator => SetMetadata(REQUIRED_ROLE, role);
