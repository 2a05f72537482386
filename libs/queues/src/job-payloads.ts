import { type QueueName } from './queue-names';

/** Job names and their payloads, per queue. Processors and producers both type against this map. */
export interface JobPayloads {
  ingest: { 'process-receipt': { receiptId: string } };
  poll: { 'poll-source': { sourceKey: string } };
  sync: { 'sync-province': { provinceCode: string; target: 'production' | 'sandbox' } };
  reconcile: { 'reconcile-province': { provinceCode: string } };
  maintenance: { 'sweep-receipts': Record<string, never> };
}

export type JobName<Q extends QueueName> = keyof JobPayloads[Q] & string;
export type JobPayload<Q extends QueueName, N extends JobName<Q>> = JobPayloads[Q][N];

/**
 * Deterministic job ids make enqueueing idempotent: the same receipt enqueued twice (a sweeper and
 * a webhook racing) is one job. BullMQ forbids ':' in custom ids, hence the '.' separators.
 */
export const jobId = (name: string, ...parts: string[]): string =>
  [name, ...parts].join('.').replace(/:/g, '_');
