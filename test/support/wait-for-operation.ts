import { admin } from './admin-client';

/** An operation as GET /v1/admin/operations/{id} answers it (the fields tests read). */
export interface OperationAnswer {
  id: string;
  kind: string;
  state: 'queued' | 'running' | 'cancelling' | 'done' | 'failed' | 'cancelled';
  provinceCode: string | null;
  total: number | null;
  done: number;
  failed: number;
  percent: number | null;
  cancellable: boolean;
  result: Record<string, unknown> | null;
  error: string | null;
}

const ENDED = ['done', 'failed', 'cancelled'];

/**
 * Reads an operation until it has ended (done, failed or cancelled) and answers it; fails with its
 * last state after `timeoutMs`. For work the API answers 202 to (a reconciliation, say).
 */
export async function waitForOperation(
  url: string,
  id: string,
  options: { token?: string; timeoutMs?: number } = {},
): Promise<OperationAnswer> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let last: OperationAnswer | undefined;
  while (Date.now() < deadline) {
    last = (await admin(url, options.token).get(`/v1/admin/operations/${id}`).expect(200))
      .body as OperationAnswer;
    if (ENDED.includes(last.state)) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(
    `operation ${id} has not ended after ${options.timeoutMs ?? 30_000} ms: ${JSON.stringify(last)}`,
  );
}
