/** One body a provincial system sends, and what the demo means by it. */
export interface Delivery {
  index: number;
  body: string;
  contentType: string;
  /** One line for the log: whose data, which lots. */
  summary: string;
  /** Set when this delivery is planted mess (duplicates, invalid codes…): what it plants. */
  plant?: string;
  /**
   * A resend of an earlier delivery's exact body: `sameId` is a Standard Webhooks retry (the same
   * webhook-id), otherwise the province's retry logic minted a new id for the same content.
   */
  resendOf?: { index: number; sameId: boolean };
  /** Wait until another delivery was acknowledged (plus a delay) before sending this one. */
  after?: { milestone: string; delayMs: number };
  /** Name under which this delivery's acknowledgement is announced to other feeds. */
  milestone?: string;
}

export interface WebhookFeed {
  sourceKey: string;
  /** Called with 0, 1, 2… in order; feeds keep state (lot counters, product versions). */
  next(index: number): Delivery;
}

/** The webhook-id of delivery `index` of a source in a run with `seed` (deterministic). */
export const webhookId = (seed: number, sourceKey: string, index: number): string =>
  `msg_demo_${seed}_${sourceKey}_${index}`;

/** Simulated time: a season that started on 2025-10-01, always in the past of the hub's clock. */
const SEASON_START = Date.UTC(2025, 9, 1, 0, 0, 0); // 07:00 in Vietnam
const STEP_MS = 3 * 3600_000;
const CHAIN_SPAN_MS = 2 * 3600_000;

export function simTime(index: number, offsetMinutes: number, now = Date.now()): Date {
  const latest = now - CHAIN_SPAN_MS - 3600_000;
  const span = Math.max(latest - SEASON_START, STEP_MS);
  return new Date(SEASON_START + ((index * STEP_MS + offsetMinutes * 60_000) % span));
}

const pad = (n: number): string => String(n).padStart(2, '0');
/** The same instant written in Vietnam time (UTC+7) through UTC getters. */
const vn = (d: Date): Date => new Date(d.getTime() + 7 * 3600_000);

export const vnDate = (d: Date): string => {
  const v = vn(d);
  return `${pad(v.getUTCDate())}/${pad(v.getUTCMonth() + 1)}/${v.getUTCFullYear()}`;
};
export const vnDateTime = (d: Date): string => {
  const v = vn(d);
  return `${vnDate(d)} ${pad(v.getUTCHours())}:${pad(v.getUTCMinutes())}`;
};
export const isoDate = (d: Date): string => {
  const v = vn(d);
  return `${v.getUTCFullYear()}-${pad(v.getUTCMonth() + 1)}-${pad(v.getUTCDate())}`;
};
export const rfc3339 = (d: Date): string => {
  const v = vn(d);
  return `${isoDate(d)}T${pad(v.getUTCHours())}:${pad(v.getUTCMinutes())}:${pad(v.getUTCSeconds())}+07:00`;
};
/** yyMM of a date, for lot codes */
export const yymm = (d: Date): string => {
  const v = vn(d);
  return `${String(v.getUTCFullYear()).slice(2)}${pad(v.getUTCMonth() + 1)}`;
};
export const addDays = (d: Date, days: number): Date => new Date(d.getTime() + days * 86_400_000);
export const addMinutes = (d: Date, minutes: number): Date => new Date(d.getTime() + minutes * 60_000);

/** Vietnamese number writing: "." groups thousands, "," is the decimal mark ("1.200", "1,5"). */
export function vnNumber(value: number): string {
  const [int, frac] = String(value).split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return frac ? `${grouped},${frac}` : grouped;
}
