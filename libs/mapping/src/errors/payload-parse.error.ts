import { type PayloadLimitName } from '../parsing/payload-limits';

/** Where in a payload a parse error is: a text position (1-based) or a JSON path into the parsed value. */
export type PayloadLocation = { line: number; column: number } | { path: string };

/**
 * A body that cannot be read in its source's format. Permanent: the same bytes fail the same way,
 * so webhook intake answers 400 with this message and the worker never retries it.
 */
export class PayloadParseError extends Error {
  readonly code = 'MALFORMED_PAYLOAD' as const;

  constructor(
    message: string,
    readonly where?: PayloadLocation,
  ) {
    super(
      where && 'line' in where
        ? `${message} (line ${where.line}, column ${where.column})`
        : where
          ? `${message} (at ${where.path})`
          : message,
    );
    this.name = 'PayloadParseError';
  }
}

/** Line and column (1-based, in characters) of a character offset in `text`. */
export function locate(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

/**
 * A body that is readable in principle but over one of the hub's shape limits (PAYLOAD_LIMITS):
 * too deep, too wide, too many rows or cells. Still MALFORMED_PAYLOAD for the pipeline (the same
 * bytes always fail), but the gateway answers it as a limit, naming which one.
 */
export class PayloadLimitError extends PayloadParseError {
  constructor(
    message: string,
    readonly limit: PayloadLimitName,
    readonly max: number,
    where?: PayloadLocation,
  ) {
    super(message, where);
    this.name = 'PayloadLimitError';
  }
}
