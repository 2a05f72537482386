import { AppError, ErrorCode } from '@txng/common';
import { type Request } from 'express';

/** Routes whose body the handler reads itself, raw, under a per-source limit. */
export const RAW_BODY_ROUTES = /^\/v1\/webhooks\/[^/]+\/?$|^\/v1\/admin\/sources\/[^/]+\/preview\/?$/;

const tooLarge = (limit: number): AppError =>
  new AppError(
    ErrorCode.PayloadTooLarge,
    `The body is larger than this source accepts (${limit} bytes); split it into several deliveries.`,
    {
      status: 413,
      headers: { Connection: 'close' },
    },
  );

/**
 * Reads the request body as bytes, refusing past `limit` from Content-Length alone when it is
 * declared, or as soon as the stream passes the limit when it is not.
 */
export async function readRawBody(req: Request, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume(); // discard, so the 413 can be written
    throw tooLarge(limit);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      req.resume();
      throw tooLarge(limit);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}
