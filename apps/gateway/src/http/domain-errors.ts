import { AppError, DomainError, ErrorCode, InvalidStateError, NotFoundError } from '@txng/common';

/**
 * What the libraries' domain errors answer over HTTP: the one place that gives them a status, with
 * the error codes of hub-interface.md (`not_found` 404, `conflict` 409). Null for anything else,
 * which AllExceptionsFilter answers as before (a domain error of no known kind is a 500, logged).
 */
export function httpErrorOf(error: unknown): AppError | null {
  if (!(error instanceof DomainError)) return null;
  const options = { details: error.details, cause: error };
  if (error instanceof NotFoundError)
    return new AppError(ErrorCode.NotFound, error.message, { ...options, status: 404 });
  if (error instanceof InvalidStateError)
    return new AppError(ErrorCode.Conflict, error.message, { ...options, status: 409 });
  return null;
}
