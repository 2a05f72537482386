import { type RecordRejectCode } from '@txng/portal-client';

/**
 * What the simulator does wrong on purpose. Rates are fractions of calls; the `*Next` counters
 * make a test deterministic ("the next 2 batch calls fail") where a rate would be a coin toss.
 */
export interface FaultSettings {
  /** Fraction of batch calls answered 500/502/503/504 before anything is stored. */
  errorRate: number;
  /** The next N batch calls answer a 5xx (then the counter runs down to 0). */
  errorNext: number;
  /** The next N API calls answer 429. */
  burst429: number;
  /** Retry-After sent with the burst429 answers. */
  retryAfterSeconds: number;
  /** Added before every API call is answered. */
  latencyMs: number;
  /** Fraction of batch calls whose connection is destroyed without an answer. */
  dropRate: number;
  /** The next N batch calls are dropped. */
  dropNext: number;
  /**
   * `before`: dropped before anything is stored. `after-store`: the batch IS stored, then the
   * connection is dropped — a crash between processing and acknowledging.
   */
  dropMode: 'before' | 'after-store';
  /** Every API route (token included) answers 503 until `until` (epoch ms; null = until cleared). */
  outage: { until: number | null } | null;
  /**
   * Records whose key is listed are answered `rejected` with that code (checked before anything
   * else), so a conforming hub can be shown each refusal. Replaced as a whole by a patch.
   */
  rejectKeys: Record<string, RejectCode>;
}

/** The contract's rejection codes (national-portal-api.md), as the client names them. */
export type RejectCode = RecordRejectCode;
export const REJECT_CODES: readonly RejectCode[] = [
  'INVALID_RECORD',
  'GTIN_PREFIX_OWNER',
  'UNKNOWN_PROVINCE',
  'VERSION_GAP',
];

export const NO_FAULTS: FaultSettings = {
  errorRate: 0,
  errorNext: 0,
  burst429: 0,
  retryAfterSeconds: 1,
  latencyMs: 0,
  dropRate: 0,
  dropNext: 0,
  dropMode: 'before',
  outage: null,
  rejectKeys: {},
};
