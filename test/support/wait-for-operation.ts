import type { OperationView } from '@txng/jobs';
import type { OperationState } from '@txng/persistence';
import { admin } from './admin-client';

export type { OperationState } from '@txng/persistence';

/**
 * An operation as GET /v1/admin/operations/{id} answers it: the server's own view type (its JSON
 * has the same fields), plus the links of a backfill's 202 answer (StartedOperation).
 */
export type OperationAnswer = OperationView & { links?: { self: string; cancel: string } };

const ENDED: readonly OperationState[] = ['done', 'failed', 'cancelled'];

/** The operation now, read with `token` (the bootstrap admin's when absent); expects 200. */
export async function readOperation(url: string, id: string, token?: string): Promise<OperationAnswer> {
  return (await admin(url, token).get(`/v1/admin/operations/${id}`).expect(200)).body as OperationAnswer;
}

/**
 * Reads an operation until it has ended (done, failed or cancelled) and answers it; fails with its
 * last state after `timeoutMs`. For work the API answers 202 to (a reconciliation, say).
 * - `state`: the state it must end in; an operation that ends otherwise fails at once, saying how.
 * - `until`: waits for this instead of the end (the work under way, a first page counted…).
 */
export async function waitForOperation(
  url: string,
  id: string,
  options: {
    token?: string;
    timeoutMs?: number;
    state?: OperationState;
    until?: (op: OperationAnswer) => boolean;
  } = {},
): Promise<OperationAnswer> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const until = options.until ?? ((op: OperationAnswer) => ENDED.includes(op.state));
  const deadline = Date.now() + timeoutMs;
  let last: OperationAnswer | undefined;
  while (Date.now() < deadline) {
    last = await readOperation(url, id, options.token);
    if (until(last)) {
      if (options.state && !options.until && last.state !== options.state)
        throw new Error(`operation ${id} ended ${last.state}, not ${options.state}: ${JSON.stringify(last)}`);
      return last;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const awaited = options.until
    ? 'reached what was awaited'
    : `ended${options.state ? ` ${options.state}` : ''}`;
  throw new Error(`operation ${id} has not ${awaited} after ${timeoutMs} ms: ${JSON.stringify(last)}`);
}
