import { type DataSource, type EntityManager } from 'typeorm';

/**
 * PostgreSQL error codes after which the whole transaction may simply run again: a deadlock
 * (40P01: PostgreSQL aborted one of the waiters) and a serialization failure (40001). Both mean
 * "nothing of yours was written, try again", never "what you asked is wrong".
 */
const RETRYABLE_CODES = new Set(['40P01', '40001']);

/** Attempts in all (the first one included) before the error is the caller's. */
export const TRANSACTION_ATTEMPTS = 5;

/**
 * The wait before attempt `attempt + 1`: growing with each attempt, with jitter so that the two
 * sides of a deadlock do not collide again at the same instant (10–30 ms, then 20–40 ms, …).
 */
export function transactionBackoffMs(attempt: number, random: () => number = Math.random): number {
  return 10 * attempt + random() * 20;
}

/** The SQLSTATE of a failed query: TypeORM's QueryFailedError copies it, and keeps the driver's. */
export function pgErrorCode(error: unknown): string | undefined {
  const e = error as { driverError?: { code?: unknown }; code?: unknown } | null;
  const code = e?.driverError?.code ?? e?.code;
  return typeof code === 'string' ? code : undefined;
}

export function isRetryableTransactionError(error: unknown): boolean {
  const code = pgErrorCode(error);
  return code !== undefined && RETRYABLE_CODES.has(code);
}

export interface RetryingTransactionOptions {
  /** Attempts in all; TRANSACTION_ATTEMPTS unless a test needs fewer. */
  attempts?: number;
  /** Called before each wait (for logs or tests): the failed attempt and the error. */
  onRetry?: (attempt: number, error: unknown) => void;
}

/**
 * The hub's one retrying transaction: runs `work` in a transaction and, when PostgreSQL aborts it
 * for a deadlock or a serialization failure, runs it again from the start after a short, growing,
 * jittered wait, up to TRANSACTION_ATTEMPTS attempts. Any other error is thrown at once. `work`
 * must therefore be safe to run again: it may only change the database through `m` (rolled back
 * with the attempt), never keep state of its own between attempts.
 */
export async function retryingTransaction<T>(
  dataSource: DataSource,
  work: (m: EntityManager) => Promise<T>,
  options: RetryingTransactionOptions = {},
): Promise<T> {
  const attempts = options.attempts ?? TRANSACTION_ATTEMPTS;
  for (let attempt = 1; ; attempt++) {
    try {
      return await dataSource.transaction(work);
    } catch (error) {
      if (attempt >= attempts || !isRetryableTransactionError(error)) throw error;
      options.onRetry?.(attempt, error);
      await new Promise((resolve) => setTimeout(resolve, transactionBackoffMs(attempt)));
    }
  }
}
