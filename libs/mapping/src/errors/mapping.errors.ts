/**
 * The three ways a mapping fails. All are permanent for the payload at hand (retrying the same
 * expression on the same input gives the same answer): the operator fixes the mapping and replays.
 */
export type MappingErrorCode = 'MAPPING_INVALID' | 'MAPPING_FAILED' | 'MAPPING_TIMEOUT';

export abstract class MappingError extends Error {
  abstract readonly code: MappingErrorCode;
  /** Character offset in the expression (JSONata's `position`), when known. */
  readonly position?: number;
  /** The token JSONata stopped at, when known. */
  readonly token?: string;
  /** Extra structured reasons, e.g. the envelope schema errors. */
  readonly details: ReadonlyArray<{ path: string; message: string }>;

  constructor(
    message: string,
    opts: {
      position?: number;
      token?: string;
      details?: ReadonlyArray<{ path: string; message: string }>;
    } = {},
  ) {
    super(message);
    this.position = opts.position;
    this.token = opts.token;
    this.details = opts.details ?? [];
  }
}

/** The expression does not compile (syntax) or names an unsupported language. */
export class MappingCompileError extends MappingError {
  readonly code = 'MAPPING_INVALID' as const;
  override readonly name = 'MappingCompileError';
}

/** The expression ran into an error, or returned something that is not an envelope. */
export class MappingEvaluationError extends MappingError {
  readonly code = 'MAPPING_FAILED' as const;
  override readonly name = 'MappingEvaluationError';
}

/** The expression ran past its time budget or recursed past its depth budget. */
export class MappingTimeoutError extends MappingError {
  readonly code = 'MAPPING_TIMEOUT' as const;
  override readonly name = 'MappingTimeoutError';
}
