/**
 * What provinces read of their own outcomes (hub-interface.md, "v1 additions"): receipts, alerts and
 * the withheld side of a conflict. The gateway publishes no response schema for these yet, so they
 * are kept here by hand, as the contract words them.
 */
import { type Finding, type SourceView } from './api';

export const RECEIPT_STATUSES = ['stored', 'queued', 'processing', 'processed', 'failed'] as const;
export type ReceiptStatus = (typeof RECEIPT_STATUSES)[number];

/** One webhook or poll page, as `GET /v1/admin/receipts` lists it. */
export interface ReceiptSummary {
  id: string;
  sourceKey: string;
  webhookId: string | null;
  status: ReceiptStatus;
  receivedAt: string;
  processedAt: string | null;
  error: string | null;
}

/** One record of a receipt: its outcome, findings, the conflict it opened and its version at the portal. */
export interface ReceiptRecord {
  kind: string;
  key: string;
  version: number | null;
  status: string;
  findings: Finding[];
  portal: { version: number | null; syncedAt: string } | null;
  /** The other side is named by its province only; its data is never shown to this province. */
  conflict: { id: string; code: string; otherProvinceCode: string | null } | null;
}

/** `GET /v1/admin/receipts`: a page of receipts, newest first. */
export interface ReceiptPage {
  items: ReceiptSummary[];
  nextCursor: string | null;
}

/** `GET /v1/admin/receipts/{id}`: the receipt with every record. */
export interface ReceiptDetail extends ReceiptSummary {
  records: ReceiptRecord[];
}

export const ALERT_CODES = [
  'SOURCE_STALE',
  'QUARANTINE_RATE',
  'CALLBACK_FAILING',
  'PORTAL_UNREACHABLE',
  'SYNC_LAG',
] as const;

/** An active alert (`GET /v1/admin/alerts`); `message` is the hub's own English sentence with the figures. */
export interface Alert {
  id: string;
  code: string;
  provinceCode: string | null;
  sourceKey: string | null;
  since: string;
  message: string;
}

/**
 * A side of a conflict that lies in another province, as a province token is answered: which
 * province, kind and key, never its data.
 */
export interface WithheldSide {
  withheld: true;
  provinceCode: string | null;
  kind: string;
  key: string;
}

export const isWithheld = (side: unknown): side is WithheldSide =>
  side !== null && typeof side === 'object' && (side as { withheld?: unknown }).withheld === true;

/** Where a source's system is told what became of its data (`callback` of a source definition). */
export type SourceCallback = NonNullable<SourceView['callback']>;

/** One signed callback to a source's system, with every attempt (`GET /v1/admin/sources/{key}/deliveries`). */
export interface Delivery {
  id: string;
  webhookId: string;
  type: string;
  status: 'pending' | 'delivered' | 'failed';
  createdAt: string;
  deliveredAt: string | null;
  nextAttemptAt: string | null;
  attempts: Array<{
    at: string;
    statusCode: number | null;
    error: string | null;
    durationMs: number;
    manual: boolean;
  }>;
}

export interface DeliveryPage {
  items: Delivery[];
  nextCursor: string | null;
}
