import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import { type Response } from 'express';
import { AppError, ErrorCode } from './app-error';
import { STORE_RETRY_AFTER_SECONDS, isDatabaseUnavailable, isRedisUnavailable } from './store-unavailable';
import { type ErrorBody } from './error-body';

const STATUS_CODES: Record<number, string> = {
  400: ErrorCode.BadRequest,
  401: ErrorCode.Unauthorized,
  403: ErrorCode.Forbidden,
  404: ErrorCode.NotFound,
  409: ErrorCode.Conflict,
  413: ErrorCode.PayloadTooLarge,
  415: ErrorCode.UnsupportedMediaType,
  429: ErrorCode.RateLimited,
  503: ErrorCode.ServiceUnavailable,
};

/**
 * Turns every error that reaches HTTP into `{"error","message","details"}`. An unreachable
 * PostgreSQL or Redis answers 503 with Retry-After (temporary); other unknown errors answer a
 * generic 500 and are logged with their stack; their text never reaches the client. `translate`
 * is the app's mapping of domain errors (libs/common/src/errors/domain-errors.ts) to coded
 * errors with a status: the app, not the library that raised them, decides what they answer.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  constructor(private readonly translate: (exception: unknown) => AppError | null = () => null) {}

  catch(raised: unknown, host: ArgumentsHost): void {
    const exception = this.translate(raised) ?? raised;
    const response = host.switchToHttp().getResponse<Response>();
    const { status, body, headers } = this.describe(exception);
    if (status === 503 && (isDatabaseUnavailable(exception) || isRedisUnavailable(exception)))
      this.logger.warn(`store unreachable: ${(exception as Error).message}`);
    else if (status >= 500)
      this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
    response.status(status).json(body);
  }

  private describe(exception: unknown): { status: number; body: ErrorBody; headers: Record<string, string> } {
    if (exception instanceof AppError) {
      return {
        status: exception.status,
        body: { error: exception.code, message: exception.message, details: exception.details },
        headers: exception.headers,
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      if (isHealthCheckResult(response)) {
        // @nestjs/terminus's readiness answer: monitoring tools expect its shape as it is.
        return { status, body: response as unknown as ErrorBody, headers: {} };
      }
      let message = exception.message;
      let details: unknown[] = [];
      if (typeof response === 'object' && response !== null) {
        const raw = (response as { message?: unknown }).message;
        // ValidationPipe puts one sentence per failed constraint in `message`.
        if (Array.isArray(raw)) {
          details = raw;
          message = 'The request body is not valid: ' + raw.join('; ');
        } else if (typeof raw === 'string') {
          message = raw;
        }
      }
      // body-parser's own errors arrive as HttpExceptions wrapping its type; keep their status.
      return {
        status,
        body: {
          error: STATUS_CODES[status] ?? (status >= 500 ? ErrorCode.Internal : ErrorCode.BadRequest),
          message,
          details,
        },
        headers: {},
      };
    }
    const bodyParserStatus = bodyParserErrorStatus(exception);
    if (bodyParserStatus !== null) {
      const message =
        bodyParserStatus === 413
          ? 'The request body is larger than this endpoint accepts.'
          : 'The request body could not be read: ' + (exception as Error).message;
      return {
        status: bodyParserStatus,
        body: { error: STATUS_CODES[bodyParserStatus] ?? ErrorCode.BadRequest, message, details: [] },
        headers: {},
      };
    }
    if (isDatabaseUnavailable(exception) || isRedisUnavailable(exception)) {
      // Temporary: nothing is wrong with the request (docs/architecture.md, "Storage").
      return {
        status: HttpStatus.SERVICE_UNAVAILABLE,
        body: {
          error: ErrorCode.ServiceUnavailable,
          message: `A store the hub needs (PostgreSQL or Redis) is unreachable right now; retry after ${STORE_RETRY_AFTER_SECONDS} seconds (a webhook sent again with the same webhook-id is stored once).`,
          details: [],
        },
        headers: { 'Retry-After': String(STORE_RETRY_AFTER_SECONDS) },
      };
    }
    return {
      status: HttpStatus.INTERNAL_SERVER_ERROR,
      body: {
        error: ErrorCode.Internal,
        message: 'An unexpected error occurred; it has been logged.',
        details: [],
      },
      headers: {},
    };
  }
}

/** body-parser and raw-body throw plain errors carrying `status` and `type`. */
function bodyParserErrorStatus(exception: unknown): number | null {
  if (typeof exception !== 'object' || exception === null) return null;
  const { status, type } = exception as { status?: unknown; type?: unknown };
  if (typeof status === 'number' && typeof type === 'string' && status >= 400 && status < 500) return status;
  return null;
}

function isHealthCheckResult(response: unknown): boolean {
  if (typeof response !== 'object' || response === null) return false;
  const r = response as Record<string, unknown>;
  return r.status === 'error' && typeof r.details === 'object' && typeof r.error === 'object';
}
