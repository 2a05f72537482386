import { type Envelope } from '@txng/national-model';

/** How many national-model records an envelope holds: the length of every list in it. */
export function countEnvelopeRecords(envelope: Envelope): number {
  const lists: unknown[] = Object.values(envelope);
  return lists.reduce<number>((n, list) => n + (Array.isArray(list) ? list.length : 0), 0);
}
