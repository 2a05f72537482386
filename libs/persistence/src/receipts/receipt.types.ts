/**
 * The row types the receipts' store speaks in. They live here, below connectors (whose
 * receipts/receipt-store.port.ts owns the port), because persistence cannot import its users
 * (docs/architecture.md, "Ports and their types").
 */

export interface NewReceipt {
  sourceKey: string;
  origin: 'webhook' | 'poll';
  webhookId?: string | null;
  pollPage?: Record<string, unknown> | null;
  contentType: string;
  body: Buffer;
  recordCount: number | null;
  mappingVersion: number | null;
  /**
   * The envelope `mappingVersion` made of the body at intake (JSON text), for the worker to judge
   * instead of mapping the body again; absent when it was not mapped (docs/ingest.md, "Mapped once").
   */
  mappedEnvelope?: string | null;
}

export interface StoredReceipt {
  receiptId: string;
  recordCount: number | null;
  /** True when this webhook-id was already received: nothing new was stored. */
  replay: boolean;
}

/** Where a page of unfinished receipts goes on from: the last receipt of the previous page. */
export interface ReceiptCursor {
  at: string;
  id: string;
}

/** Where a receipt stands for its ingest job: its state, and whether it must wait for an earlier one. */
export interface ReceiptTurn {
  sourceKey: string;
  status: 'stored' | 'queued' | 'processing' | 'processed' | 'failed';
  recordCount: number | null;
  /** The outcome counts recorded when it was judged; null before. */
  counts: Record<string, number> | null;
  /** An earlier receipt of its source is unjudged (see PgReceiptRepository.earlierUnjudged). */
  earlierUnjudged: boolean;
  /** Its source has a callback (CallbacksService has something to store for it). */
  callbacks: boolean;
}

/** A source's next unjudged receipts after one judged, for the job judging the source's run. */
export interface ReceiptFollowers {
  /** An earlier receipt than the judged one is still unjudged: none of `next` has its turn. */
  blocked: boolean;
  /** In the order the hub stored them. */
  next: Array<{ id: string; status: ReceiptTurn['status']; recordCount: number | null }>;
}
