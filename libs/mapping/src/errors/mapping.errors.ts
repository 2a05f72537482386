/**
 * The ways a mapping fails. All are permanent for the payload at hand (retrying the same
 * expression on the same input gives the same answer): the operator fixes the mapping and replays.
 */
export type MappingErrorCode =
  'MAPPING_INVALID' | 'MAPPING_FAILED' | 'MAPPING_TIMEOUT' | 'MAPPING_OUT_OF_MEMORY';

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

/**
 * The expression needed more memory than its sandbox process may use (a huge `$pad`, `$split`,
 * range or copy of one), or returned a result too large to hand back.
 */
export class MappingOutOfMemoryError extends MappingError {
  readonly code = 'MAPPING_OUT_OF_MEMORY' as const;
  override readonly name = 'MappingOutOfMemoryError';
}

/**
 * The mapping could not be run now: every sandbox process is busy and the queue in front of them is
 * full (`MAPPING_BUSY`), or a sandbox process could not start or died for a reason that is not the
 * mapping's (`MAPPING_UNAVAILABLE`). Temporary, and says nothing about the mapping: not a
 * MappingError, so the pipeline retries the receipt with backoff instead of quarantining it.
 */
export class MappingUnavailableError extends Error {
  override readonly name = 'MappingUnavailableError';

  constructor(
    readonly code: 'MAPPING_BUSY' | 'MAPPING_UNAVAILABLE',
    message: string,
  ) {
    super(message);
  }
}
