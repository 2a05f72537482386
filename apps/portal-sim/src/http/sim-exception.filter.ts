import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { type Request, type Response } from 'express';
import { SimHttpError } from './sim-http.error';

interface BodyParserError {
  type: string;
  status?: number;
}

const isBodyParserError = (e: unknown): e is BodyParserError =>
  typeof e === 'object' &&
  e !== null &&
  typeof (e as { type?: unknown }).type === 'string' &&
  typeof (e as { status?: unknown }).status === 'number';

/** Writes every error with the contract's body shapes. */
@Catch()
export class SimExceptionFilter implements ExceptionFilter {
  private readonly log = new Logger('portal-sim');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    const error = this.toSimError(exception, req);
    if (res.headersSent || res.destroyed) return;
    res.status(error.status).set(error.headers).json(error.body);
  }

  private toSimError(exception: unknown, req: Request): SimHttpError {
    if (exception instanceof SimHttpError) return exception;
    // Body-parser failures (malformed JSON, over 5 MiB) arrive raw or wrapped by Nest as HttpException.
    const status =
      exception instanceof HttpException
        ? exception.getStatus()
        : isBodyParserError(exception)
          ? (exception.status ?? 400)
          : 500;
    if (status === 413)
      return new SimHttpError(413, { error: 'payload_too_large', message: 'the body is over 5 MiB' });
    if (status === 400 && (req.originalUrl ?? req.url).split('?')[0] === '/api/v1/batches') {
      return new SimHttpError(400, {
        error: 'invalid_batch',
        details: [{ path: '', message: 'the body is not valid JSON' }],
      });
    }
    if (status < 500) {
      const message = exception instanceof Error ? exception.message : 'bad request';
      return new SimHttpError(status, { error: status === 404 ? 'not_found' : 'invalid_request', message });
    }
    this.log.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    return new SimHttpError(500, { error: 'server_error' });
  }
}
