/**
 * An answer the simulator gives on purpose, with the exact body the contract prescribes
 * (`{"error":"invalid_token"}` and the like, not the hub's own error body).
 */
export class SimHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof body.error === 'string' ? body.error : `HTTP ${status}`);
    this.name = 'SimHttpError';
  }
}
