import {
  type NewReceipt,
  type ReceiptCursor,
  type ReceiptEntity,
  type ReceiptFollowers,
  type ReceiptTurn,
  type StoredReceipt,
} from '@txng/persistence';

/** Injection token of the receipts' store (libs/persistence implements it: PgReceiptRepository). */
export const RECEIPT_STORE = Symbol('RECEIPT_STORE');

/** What receipts need of storage; the rules (queueing, order, retention) are ReceiptsService's. */
export interface ReceiptStore {
  store(input: NewReceipt): Promise<StoredReceipt>;
  /** Webhooks' receipts in one statement, answered in order; all or none stored. */
  storeWebhooks(inputs: NewReceipt[]): Promise<StoredReceipt[]>;
  findByWebhookId(sourceKey: string, webhookId: string): Promise<ReceiptEntity | null>;
  find(receiptId: string): Promise<ReceiptEntity | null>;
  markQueued(receiptId: string): Promise<void>;
  markQueuedMany(receiptIds: string[]): Promise<void>;
  /** Reads receipts for judging and marks the unfinished ones `processing`, in one round trip. */
  take(receiptIds: string[]): Promise<ReceiptEntity[]>;
  markFailed(receiptId: string, message: string): Promise<void>;
  noteError(receiptId: string, message: string): Promise<void>;
  /** A replay of chosen receipts' job ended for the receipt (judged, or failed for good). */
  replayEnded(operationId: string, receiptId: string, failed: boolean): Promise<void>;
  countsOf<C>(receiptId: string): Promise<Partial<C> | null>;
  neverQueued(minAgeMs: number, limit: number): Promise<string[]>;
  unfinished(minAgeMs: number, limit: number, after: ReceiptCursor | null): Promise<ReceiptCursor[]>;
  stillUnfinished(ids: string[]): Promise<string[]>;
  earlierUnjudged(receiptId: string): Promise<boolean>;
  turn(receiptId: string): Promise<ReceiptTurn | null>;
  nextUnjudged(receiptId: string): Promise<string | null>;
  following(receiptId: string, limit: number): Promise<ReceiptFollowers>;
  staleHeld(staleMs: number, limit: number): Promise<Array<{ receiptId: string; checkedMs: string }>>;
  purgeBodies(retentionSeconds: number, batchSize: number): Promise<number>;
}
