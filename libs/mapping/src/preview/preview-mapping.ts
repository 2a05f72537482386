import { type ValidationPolicy } from '@txng/national-model';
import { type MappingDefinition } from '../engine/compile-mapping';
import { MappingError, type MappingErrorCode, MappingUnavailableError } from '../errors/mapping.errors';
import { PayloadLimitError, PayloadParseError, type PayloadLocation } from '../errors/payload-parse.error';
import { type PayloadLimitName } from '../parsing/payload-limits';
import { type SourceFormat, parsePayload } from '../parsing/parse-payload';
import { type PreviewRecord, envelopeToRecords } from './envelope-to-records';
import { mapPayload } from './map-payload';

/** A finding that belongs to no single record: the body or the mapping failed as a whole. */
export interface PreviewFinding {
  code: 'MALFORMED_PAYLOAD' | MappingErrorCode | 'INTERNAL_ERROR';
  message: string;
  /** JSON Pointer into the payload when known, else ''. */
  path: string;
  /** Line and column in the body (parse errors of text formats). */
  where?: { line: number; column: number };
  /** Character offset in the mapping expression (mapping errors). */
  position?: number;
  token?: string;
  details?: ReadonlyArray<{ path: string; message: string }>;
  /** The PAYLOAD_LIMITS limit the body is over (a MALFORMED_PAYLOAD finding), and its value. */
  limit?: { name: PayloadLimitName; max: number };
}

export interface PreviewRequest {
  format: SourceFormat;
  mapping?: MappingDefinition;
  body: Buffer | string;
  now?: Date;
  policy?: ValidationPolicy;
  timeoutMs?: number;
}

export interface PreviewResult {
  records: PreviewRecord[];
  findings: PreviewFinding[];
}

/** Any error of parsing or mapping as an outer finding. */
export function toPreviewFinding(error: unknown): PreviewFinding {
  if (error instanceof PayloadParseError) {
    const where: PayloadLocation | undefined = error.where;
    const finding: PreviewFinding =
      where && 'line' in where
        ? {
            code: error.code,
            message: error.message,
            path: '',
            where: { line: where.line, column: where.column },
          }
        : { code: error.code, message: error.message, path: where?.path ?? '' };
    if (error instanceof PayloadLimitError) finding.limit = { name: error.limit, max: error.max };
    return finding;
  }
  if (error instanceof MappingError) {
    const f: PreviewFinding = { code: error.code, message: error.message, path: '' };
    if (error.position !== undefined) f.position = error.position;
    if (error.token !== undefined) f.token = error.token;
    if (error.details.length > 0) f.details = error.details;
    return f;
  }
  return {
    code: 'INTERNAL_ERROR',
    message: `unexpected error: ${error instanceof Error ? error.message : String(error)}`,
    path: '',
  };
}

/**
 * A body → the national-model records its source's mapping makes, normalised and each with its
 * validation findings. Throws PayloadParseError or MappingError when the body or the mapping fails
 * as a whole: the one path from bytes to records that preview, intake and the workers share.
 */
export async function readRecords(request: PreviewRequest): Promise<PreviewRecord[]> {
  const parsed = parsePayload(request.format, request.body);
  const envelope = await mapPayload(request.format, request.mapping, parsed, {
    timeoutMs: request.timeoutMs,
  });
  return envelopeToRecords(envelope, { now: request.now, policy: request.policy });
}

/**
 * What `POST /v1/admin/sources/{key}/preview` answers: the records a sample body makes, each with
 * its findings, and the findings about the body or mapping as a whole (a runaway mapping included:
 * MAPPING_TIMEOUT, MAPPING_OUT_OF_MEMORY). Stores nothing. Throws only MappingUnavailableError
 * (the sandbox is saturated: nothing is wrong with the sample, ask again shortly); every other
 * failure comes back as a finding.
 */
export async function previewMapping(request: PreviewRequest): Promise<PreviewResult> {
  try {
    return { records: await readRecords(request), findings: [] };
  } catch (error) {
    if (error instanceof MappingUnavailableError) throw error;
    return { records: [], findings: [toPreviewFinding(error)] };
  }
}
