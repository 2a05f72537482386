import { type Envelope, type EpcisEvent } from '@txng/national-model';
import { type CompiledMapping, type MappingDefinition, compileMapping } from '../engine/compile-mapping';
import { MappingCompileError } from '../errors/mapping.errors';
import { type ParsedPayload, type SourceFormat } from '../parsing/parse-payload';
import {
  evaluateSandboxed,
  evaluateSandboxedText,
  type SandboxedEvaluateOptions,
} from '../sandbox/evaluate-sandboxed';
import { type MappedText } from '../sandbox/mapping-sandbox';
import { countEnvelopeRecords } from './count-envelope-records';

/** An EPCIS document's events as a national-model envelope, as they are (no mapping needed). */
export function epcisToEnvelope(parsed: ParsedPayload): Envelope {
  if (parsed.format !== 'epcis-json' && parsed.format !== 'epcis-xml') return {};
  return { events: parsed.events as EpcisEvent[] };
}

/**
 * A parsed payload → the envelope its source produces.
 *
 * - `json`, `xml`, `csv`: the mapping is required and sees the parsed body (`$` is the whole body).
 * - `epcis-json`, `epcis-xml` without a mapping: the document's events, unchanged.
 * - EPCIS with a mapping: the mapping sees the parsed document as `$` and the events (EPCIS 2.0
 *   JSON form, also for XML) as `$events`; the envelope it returns is the one used, so a mapping
 *   that adds master data must also return `"events": $events` (or a filtered subset) to keep them.
 *
 * The mapping runs in the sandbox (docs/adr/0004): a runaway one fails with MAPPING_TIMEOUT or
 * MAPPING_OUT_OF_MEMORY and never stalls the caller; MappingUnavailableError when the sandbox is
 * saturated.
 */
export async function mapPayload(
  format: SourceFormat,
  mapping: MappingDefinition | CompiledMapping | undefined,
  parsed: ParsedPayload,
  options: SandboxedEvaluateOptions = {},
): Promise<Envelope> {
  const how = mappingOf(format, mapping, parsed, options);
  if ('envelope' in how) return how.envelope;
  return evaluateSandboxed(how.compiled, parsed.data, how.options);
}

/**
 * `mapPayload`, answering the envelope as JSON text with its record count. Webhook intake uses it:
 * it needs the count for the 202 and stores the text for the worker, and never reads the envelope.
 */
export async function mapPayloadText(
  format: SourceFormat,
  mapping: MappingDefinition | CompiledMapping | undefined,
  parsed: ParsedPayload,
  options: SandboxedEvaluateOptions = {},
): Promise<MappedText> {
  const how = mappingOf(format, mapping, parsed, options);
  if ('envelope' in how)
    return { json: JSON.stringify(how.envelope), records: countEnvelopeRecords(how.envelope) };
  return evaluateSandboxedText(how.compiled, parsed.data, how.options);
}

function mappingOf(
  format: SourceFormat,
  mapping: MappingDefinition | CompiledMapping | undefined,
  parsed: ParsedPayload,
  options: SandboxedEvaluateOptions,
): { envelope: Envelope } | { compiled: CompiledMapping; options: SandboxedEvaluateOptions } {
  const isEpcis = parsed.format === 'epcis-json' || parsed.format === 'epcis-xml';
  if (mapping === undefined || mapping === null) {
    if (isEpcis) return { envelope: epcisToEnvelope(parsed) };
    throw new MappingCompileError(
      `a source of format "${format}" needs a mapping; only epcis-json and epcis-xml sources can go without one`,
    );
  }
  const compiled = compileMapping(mapping);
  const bindings = isEpcis ? { events: parsed.events, ...options.bindings } : options.bindings;
  return { compiled, options: { ...options, bindings } };
}
