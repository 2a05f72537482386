/**
 * Whether an error means PostgreSQL (or Redis, see isRedisUnavailable) cannot be reached right now (down, restarting, refusing or
 * dropping connections), as opposed to a query that is wrong. Such a failure is temporary: the edge
 * answers 503 with Retry-After instead of 500, so a province retries its webhook (the same
 * webhook-id is stored once) and an operator's script waits.
 *
 * pg and pg-pool raise plain Errors: a socket error code when the server cannot be reached, their
 * own messages when a connection ends or a connect times out, and SQLSTATE codes when the server
 * answers that it cannot serve (class 08 connection exception, 57P01-57P03 shutting down or
 * starting, 53300 too many connections). TypeORM wraps a failed query in QueryFailedError with the
 * original as `driverError`.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && (SOCKET_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code))) return true;
    if (typeof message === 'string' && PG_CONNECTION_MESSAGES.test(message)) return true;
    const next = e as { driverError?: unknown; cause?: unknown };
    e = next.driverError ?? next.cause;
  }
  return false;
}

const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
const UNAVAILABLE_SQLSTATE = /^(08[0-9A-Z]{3}|57P0[1-3]|53300)$/;
const PG_CONNECTION_MESSAGES =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed and is not queryable)/;

/**
 * Whether an error means Redis cannot be reached right now. The hub's shared ioredis client does
 * not queue commands while disconnected (enableOfflineQueue false, one retry), so a check that
 * needs Redis (a source's rate-limit window) fails at once with one of these instead of hanging.
 */
export function isRedisUnavailable(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const { name, message } = error as { name?: unknown; message?: unknown };
  return (
    name === 'MaxRetriesPerRequestError' ||
    (typeof message === 'string' && IOREDIS_CONNECTION_MESSAGES.test(message))
  );
}

const IOREDIS_CONNECTION_MESSAGES =
  /^(Stream isn't writeable and enableOfflineQueue options is false|Connection is closed\.|Reached the max retries per request limit)/;

/** What a client is told to wait before retrying while a store is unreachable, in seconds. */
export const STORE_RETRY_AFTER_SECONDS = 5;
