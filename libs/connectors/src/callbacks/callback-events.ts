import { type SourceCallback } from '@txng/persistence';

/** The events a source may ask to be called back for (hub-interface.md, "v1 additions"). */
export const CALLBACK_EVENTS = ['receipt.processed', 'receipt.synced', 'conflict.resolved'] as const;
export type CallbackEvent = (typeof CALLBACK_EVENTS)[number];

/** What a callback POST carries: the event, when it happened, and the receipt (or conflict). */
export interface CallbackBody {
  type: CallbackEvent;
  timestamp: string;
  data: unknown;
}

export const subscribes = (callback: SourceCallback | null, event: CallbackEvent): boolean =>
  callback !== null && callback.events.includes(event);

/**
 * When the next automatic try of a delivery is due after `retries` tries already scheduled, or
 * null when the schedule is spent. With the default schedule (notify-config.ts) that is about 30 h
 * after the first failure.
 */
export function nextRetryAt(
  delaysSeconds: readonly number[],
  retries: number,
  now = new Date(),
): Date | null {
  const delay = delaysSeconds[retries];
  return delay === undefined ? null : new Date(now.getTime() + delay * 1000);
}
