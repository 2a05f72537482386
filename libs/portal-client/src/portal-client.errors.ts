import { AppError } from '@txng/common/errors/app-error';

/**
 * Every failure of a portal call. `retryable` tells the caller's queue what to do: true means
 * "park the work and try again later" (with `retryAfterMs` as a hint when known), false means
 * "stop and show an operator" — retrying it unchanged cannot succeed.
 */
export class PortalError extends AppError {
  constructor(
    code: string,
    message: string,
    options: {
      status?: number;
      retryable: boolean;
      retryAfterMs?: number;
      details?: unknown[];
      cause?: unknown;
    },
  ) {
    super(code, message, {
      status: options.status ?? 502,
      retryable: options.retryable,
      details: options.details,
      cause: options.cause,
    });
    this.name = new.target.name;
    this.retryAfterMs = options.retryAfterMs;
  }

  readonly retryAfterMs: number | undefined;
}

export const PortalErrorCode = {
  Unavailable: 'portal_unavailable',
  Temporary: 'portal_temporary_failure',
  RateLimited: 'portal_rate_limited',
  AuthFailed: 'portal_auth_failed',
  InvalidBatch: 'portal_invalid_batch',
  IdempotencyKeyReused: 'portal_idempotency_key_reused',
  BatchTooLarge: 'portal_batch_too_large',
  Protocol: 'portal_protocol_error',
} as const;

/** The circuit breaker is open (the portal has been failing): nothing was sent. Temporary. */
export class PortalUnavailableError extends PortalError {
  constructor(message: string, retryAfterMs: number) {
    super(PortalErrorCode.Unavailable, message, { status: 503, retryable: true, retryAfterMs });
  }
}

/**
 * 5xx, timeouts or dropped connections, retried until the attempts ran out. For a batch the
 * outcome is unknown; resending the same records is safe (same Idempotency-Key).
 */
export class PortalTemporaryError extends PortalError {
  constructor(
    message: string,
    readonly attempts: number,
    readonly lastStatus: number | null,
    retryAfterMs: number,
    cause?: unknown,
  ) {
    super(PortalErrorCode.Temporary, message, { status: 502, retryable: true, retryAfterMs, cause });
  }
}

/** 429 for longer than the client is willing to wait in-process; retry after `retryAfterMs`. */
export class PortalRateLimitedError extends PortalError {
  constructor(message: string, retryAfterMs: number) {
    super(PortalErrorCode.RateLimited, message, { status: 503, retryable: true, retryAfterMs });
  }
}

/** 401 invalid_client: the hub's portal credentials are wrong. Permanent until an operator fixes them. */
export class PortalAuthError extends PortalError {
  constructor(message: string) {
    super(PortalErrorCode.AuthFailed, message, { status: 502, retryable: false });
  }
}

/** 400 invalid_batch: the envelope was refused as a whole. Permanent; `details` says why. */
export class InvalidBatchError extends PortalError {
  constructor(message: string, details: unknown[]) {
    super(PortalErrorCode.InvalidBatch, message, { status: 422, retryable: false, details });
  }
}

/** 409 idempotency_key_reused: another body went out under this key. Permanent (a hub bug). */
export class IdempotencyKeyReusedError extends PortalError {
  constructor(readonly idempotencyKey: string) {
    super(
      PortalErrorCode.IdempotencyKeyReused,
      `the portal already holds a different batch under Idempotency-Key ${idempotencyKey}`,
      { status: 409, retryable: false },
    );
  }
}

/** One record alone is over the 5 MiB batch limit, or the portal answered 413. Permanent. */
export class BatchTooLargeError extends PortalError {
  constructor(message: string) {
    super(PortalErrorCode.BatchTooLarge, message, { status: 413, retryable: false });
  }
}

/** An answer the contract does not allow (unexpected status or body). */
export class PortalProtocolError extends PortalError {
  constructor(
    message: string,
    readonly httpStatus: number | null,
    retryable = false,
  ) {
    super(PortalErrorCode.Protocol, message, { status: 502, retryable });
  }
}
