import { AppError } from '@txng/common';

/** Why a poll fetch failed; `temporary` codes are retried by the next scheduled run. */
export const PollErrorCode = {
  Timeout: 'poll_timeout',
  Unreachable: 'poll_unreachable',
  ServerError: 'poll_server_error',
  RateLimited: 'poll_rate_limited',
  Unauthorized: 'poll_unauthorized',
  NotFound: 'poll_not_found',
  Rejected: 'poll_rejected',
  TooLarge: 'poll_page_too_large',
  BadPage: 'poll_bad_page',
  TokenFailed: 'poll_token_failed',
  /** The outbound guard refused the address (not public, not in OUTBOUND_ALLOWLIST) or plain http. */
  AddressRefused: 'poll_address_refused',
} as const;
export type PollErrorCode = (typeof PollErrorCode)[keyof typeof PollErrorCode];

/**
 * A failed fetch of a province's API. The message names the source's URL without credentials and
 * says what to do; it never carries a key, password, client secret or token.
 */
export class PollFetchError extends AppError {
  constructor(
    code: PollErrorCode,
    message: string,
    readonly temporary: boolean,
    /** The HTTP status the province answered, when it answered. */
    readonly httpStatus: number | null = null,
    /** Seconds the province asked us to wait (429/503 Retry-After). */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(code, message, { status: 502, retryable: temporary });
    this.name = 'PollFetchError';
  }
}
