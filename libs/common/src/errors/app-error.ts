/**
 * A coded error that says what went wrong and what to do. `status` is the HTTP status it maps to at
 * the edge; `retryable` separates temporary failures (retry with backoff) from permanent ones (stop
 * at once and show an operator).
 */
export interface AppErrorOptions {
  status?: number;
  details?: unknown[];
  retryable?: boolean;
  cause?: unknown;
  headers?: Record<string, string>;
}

export class AppError extends Error {
  readonly status: number;
  readonly details: unknown[];
  readonly retryable: boolean;
  readonly headers: Record<string, string>;

  constructor(
    readonly code: string,
    message: string,
    options: AppErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.status = options.status ?? 500;
    this.details = options.details ?? [];
    this.retryable = options.retryable ?? false;
    this.headers = options.headers ?? {};
  }
}

/** Error codes answered at the HTTP edge, shared by every controller. */
export const ErrorCode = {
  BadRequest: 'bad_request',
  ValidationFailed: 'validation_failed',
  Unauthorized: 'unauthorized',
  Forbidden: 'forbidden',
  NotFound: 'not_found',
  Conflict: 'conflict',
  PayloadTooLarge: 'payload_too_large',
  UnsupportedMediaType: 'unsupported_media_type',
  RateLimited: 'rate_limited',
  ServiceUnavailable: 'service_unavailable',
  Internal: 'internal_error',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const notFound = (what: string): AppError =>
  new AppError(ErrorCode.NotFound, `${what} was not found.`, { status: 404 });

export const badRequest = (message: string, details: unknown[] = []): AppError =>
  new AppError(ErrorCode.BadRequest, message, { status: 400, details });
