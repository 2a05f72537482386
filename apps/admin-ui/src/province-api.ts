/**
 * What provinces read of their own outcomes (hub-interface.md, "v1 additions"): receipts, alerts,
 * callback deliveries and the withheld side of a conflict. The answers are typed from the gateway's
 * OpenAPI document (generated: `npm run api-types`); only the withheld side of a conflict, which a
 * province token is answered and the document does not describe yet, is written here.
 */
import type { components } from './api-types.gen';
import { type SourceView } from './api';

type Schemas = components['schemas'];

/** One webhook or poll page, as `GET /v1/admin/receipts` lists it. */
export type ReceiptSummary = Schemas['ReceiptSummary'];
export type ReceiptStatus = ReceiptSummary['status'];
export const RECEIPT_STATUSES: readonly ReceiptStatus[] = [
  'stored',
  'queued',
  'processing',
  'processed',
  'failed',
];
/** `GET /v1/admin/receipts`: a page of receipts, newest first. */
export type ReceiptPage = Schemas['ReceiptPage'];
/** `GET /v1/admin/receipts/{id}`: the receipt with every record. */
export type ReceiptDetail = Schemas['ReceiptDetail'];
/** One record of a receipt: its outcome, findings, the conflict it opened and its version at the portal. */
export type ReceiptRecord = Schemas['ReceiptRecord'];

/** An active alert (`GET /v1/admin/alerts`); `message` is the hub's own English sentence with the figures. */
export type Alert = Schemas['Alert'];

/**
 * A side of a conflict that lies in another province, as a province token is answered: which
 * province, kind and key, never its data.
 */
export type WithheldSide = Schemas['WithheldSide'];

export const isWithheld = (side: unknown): side is WithheldSide =>
  side !== null && typeof side === 'object' && (side as { withheld?: unknown }).withheld === true;

/** Where a source's system is told what became of its data (`callback` of a source definition). */
export type SourceCallback = NonNullable<SourceView['callback']>;

/** One signed callback to a source's system, with every attempt (`GET /v1/admin/sources/{key}/deliveries`). */
export type Delivery = Schemas['Delivery'];
export type DeliveryPage = Schemas['DeliveryPage'];
