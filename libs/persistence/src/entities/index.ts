import { ApiTokenEntity } from './api-token.entity';
import { AuditEntryEntity } from './audit-entry.entity';

export { ApiTokenEntity, type Role } from './api-token.entity';
export { AuditEntryEntity } from './audit-entry.entity';

export const ENTITIES = [ApiTokenEntity, AuditEntryEntity];
