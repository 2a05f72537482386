import {
  MappingCompileError,
  MappingError,
  type MappingErrorCode,
  MappingEvaluationError,
  MappingOutOfMemoryError,
  MappingTimeoutError,
} from '../errors/mapping.errors';

/** Parent → sandbox process: evaluate one mapping on one parsed payload. */
export interface EvaluateMessage {
  id: number;
  expression: string;
  input: unknown;
  bindings?: Record<string, unknown>;
  timeoutMs: number;
  maxDepth: number;
  /** Largest result handed back, in characters of its JSON text. */
  maxResultChars: number;
}

/** A MappingError as it crosses the process boundary (class instances do not). */
export interface MappingErrorData {
  code: MappingErrorCode;
  message: string;
  position?: number;
  token?: string;
  details: ReadonlyArray<{ path: string; message: string }>;
}

/** Sandbox process → parent. */
export type SandboxMessage =
  | { type: 'ready' }
  /**
   * The evaluation's input has arrived and it begins (`started`), or it has finished and only the
   * answer is left to send (`evaluated`): the time limit covers what lies between, not the transfer
   * of a large body or result over the channel, which costs time in proportion to its size.
   */
  | { type: 'started'; id: number }
  | { type: 'evaluated'; id: number }
  /**
   * The envelope as JSON text, written by the process itself so that it can refuse one too large.
   * JSON, not V8 serialisation: JSON.stringify/parse are several times faster for this data.
   * `records` counts the envelope's records, so that a caller needing only the count and the text
   * (webhook intake, which stores the text for the worker) never parses it.
   */
  | { type: 'result'; id: number; envelope: string; records: number }
  | { type: 'mapping-error'; id: number; error: MappingErrorData }
  /** Anything else thrown: a defect of the hub, not of the mapping. */
  | { type: 'internal-error'; id: number; message: string };

export function mappingErrorData(error: MappingError): MappingErrorData {
  return {
    code: error.code,
    message: error.message,
    position: error.position,
    token: error.token,
    details: error.details,
  };
}

/** The MappingError a sandbox process reported, as the class its code names. */
export function mappingErrorFrom(data: MappingErrorData): MappingError {
  const opts = { position: data.position, token: data.token, details: data.details };
  switch (data.code) {
    case 'MAPPING_INVALID':
      return new MappingCompileError(data.message, opts);
    case 'MAPPING_TIMEOUT':
      return new MappingTimeoutError(data.message, opts);
    case 'MAPPING_OUT_OF_MEMORY':
      return new MappingOutOfMemoryError(data.message, opts);
    case 'MAPPING_FAILED':
      return new MappingEvaluationError(data.message, opts);
  }
}
