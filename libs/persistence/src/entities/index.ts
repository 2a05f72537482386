import { ApiTokenEntity } from './api-token.entity';
import { AuditEntryEntity } from './audit-entry.entity';
import { ConflictEntity } from './conflict.entity';
import { EventIdentifierEntity } from './event-identifier.entity';
import { MappingVersionEntity } from './mapping-version.entity';
import { ReceiptRecordEntity } from './receipt-record.entity';
import { ReceiptEntity } from './receipt.entity';
import { ReconciliationRunEntity } from './reconciliation-run.entity';
import { RecordStatusHistoryEntity } from './record-status-history.entity';
import { RecordVersionEntity } from './record-version.entity';
import { RecordEntity } from './record.entity';
import { SourceEntity } from './source.entity';

export * from './api-token.entity';
export * from './audit-entry.entity';
export * from './conflict.entity';
export * from './event-identifier.entity';
export * from './mapping-version.entity';
export * from './receipt-record.entity';
export * from './receipt.entity';
export * from './reconciliation-run.entity';
export * from './record-status-history.entity';
export * from './record-version.entity';
export * from './record.entity';
export * from './source.entity';

export const ENTITIES = [
  ApiTokenEntity,
  AuditEntryEntity,
  SourceEntity,
  MappingVersionEntity,
  ReceiptEntity,
  RecordEntity,
  RecordVersionEntity,
  RecordStatusHistoryEntity,
  ReceiptRecordEntity,
  ConflictEntity,
  EventIdentifierEntity,
  ReconciliationRunEntity,
];
