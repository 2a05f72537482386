import { AppError } from '@txng/common';
import { type PayloadParseError, type PreviewFinding, PayloadLimitError } from '@txng/mapping';

/**
 * The 400 for a body the hub cannot read: `body_limit_exceeded` when it is over one of the
 * parsers' limits (PAYLOAD_LIMITS, named in the message and details), else `malformed_body`.
 */
export function payloadRefusal(error: PayloadParseError, format: string): AppError {
  if (error instanceof PayloadLimitError) {
    return limitRefusal(error.message, { name: error.limit, max: error.max }, error.where ?? null);
  }
  return new AppError('malformed_body', `The body is not valid ${format}: ${error.message}`, {
    status: 400,
    details: [{ where: error.where ?? null }],
  });
}

/** The same 400 for preview, whose parse errors arrive as findings. */
export function previewLimitRefusal(findings: readonly PreviewFinding[]): AppError | null {
  const over = findings.find((f) => f.limit !== undefined);
  if (!over?.limit) return null;
  return limitRefusal(over.message, over.limit, over.where ?? (over.path ? { path: over.path } : null));
}

function limitRefusal(message: string, limit: { name: string; max: number }, where: unknown): AppError {
  return new AppError(
    'body_limit_exceeded',
    `The body is over a limit of the hub (${limit.name} = ${limit.max}): ${message}. Nothing was stored.`,
    { status: 400, details: [{ where, limit: limit.name, max: limit.max }] },
  );
}
