import { type Envelope, type EpcisEvent } from '@txng/national-model';
import { type CompiledMapping, type MappingDefinition, compileMapping } from '../engine/compile-mapping';
import { MappingCompileError } from '../errors/mapping.errors';
import { type ParsedPayload, type SourceFormat } from '../parsing/parse-payload';
import { evaluateSandboxed, type SandboxedEvaluateOptions } from '../sandbox/evaluate-sandboxed';

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
  const isEpcis = parsed.format === 'epcis-json' || parsed.format === 'epcis-xml';
  if (mapping === undefined || mapping === null) {
    if (isEpcis) return epcisToEnvelope(parsed);
    throw new MappingCompileError(
      `a source of format "${format}" needs a mapping; only epcis-json and epcis-xml sources can go without one`,
    );
  }
  const compiled = compileMapping(mapping);
  const bindings = isEpcis ? { events: parsed.events, ...options.bindings } : options.bindings;
  return evaluateSandboxed(compiled, parsed.data, { ...options, bindings });
}
