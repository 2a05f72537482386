import { admin } from './admin-client';

export type OperationState = 'queued' | 'running' | 'cancelling' | 'done' | 'failed' | 'cancelled';

/** An operation as GET /v1/admin/operations/{id} answers it (the fields tests read). */
export interface OperationAnswer {
  id: string;
  kind: string;
  state: OperationState;
  actor: string;
  provinceCode: string | null;
  sourceKey: string | null;
  params: Record<string, unknown>;
  total: number | null;
  done: number;
  failed: number;
  percent: number | null;
  secondsLeft: number | null;
  cancellable: boolean;
  cancelRequestedBy: string | null;
  result: Record<string, unknown> | null;
  error: string | null;
  /** In the 202 answer of a backfill (StartedOperation). */
  links?: { self: string; cancel: string };
}

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
