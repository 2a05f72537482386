import {
  type CallbackSubscriberRow,
  type ClaimedDeliveryRow,
  type DeliveryRow,
  type NewCallbackEventRow,
  type SyncWatchRow,
} from '@txng/persistence';

/** Where callback events, deliveries and attempts are kept (adapter: PgCallbackStore in persistence). */
export interface CallbackStore {
  subscriber(sourceKey: string): Promise<CallbackSubscriberRow | null>;
  insertEvents(events: NewCallbackEventRow[]): Promise<Array<{ id: string; attempts: number }>>;
  watchSync(receiptId: string, sourceKey: string, generation: string): Promise<void>;
  checkSyncWatches(limit: number): Promise<SyncWatchRow[]>;
  unwatchSync(receiptId: string, sourceKey: string, generation: string): Promise<void>;
  resolvedConflictsToSend(limit: number): Promise<Array<{ conflictId: string; sourceKey: string }>>;
  conflictForSource(conflictId: string, sourceKey: string): Promise<unknown>;
  claim(id: string, attempts: number, leaseMs: number): Promise<ClaimedDeliveryRow | null>;
  recordAttempt(
    claimed: ClaimedDeliveryRow,
    attempt: { manual: boolean; durationMs: number; statusCode: number | null; error: string | null },
    next: { retryAt: Date | null } | null,
  ): Promise<void>;
  abandon(id: string, reason: string): Promise<void>;
  overdue(
    graceMs: number,
    limit: number,
  ): Promise<Array<{ id: string; attempts: number; nextAttemptAt: Date }>>;
  redeliver(sourceKey: string, id: string): Promise<{ id: string; attempts: number } | null>;
  list(
    sourceKey: string,
    cursor: string | null,
    limit: number,
  ): Promise<{ items: DeliveryRow[]; nextCursor: string | null }>;
  get(sourceKey: string, id: string): Promise<DeliveryRow | null>;
}
export const CALLBACK_STORE = Symbol('CALLBACK_STORE');

/** A receipt with every record, as GET /v1/admin/receipts/{id} answers it: the `data` of receipt events. */
export interface ReceiptReader {
  receipt(receiptId: string): Promise<unknown>;
}
export const RECEIPT_READER = Symbol('RECEIPT_READER');
