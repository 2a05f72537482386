import { PayloadParseError } from '../errors/payload-parse.error';
import { type CsvRow, parseCsvPayload } from './csv.parser';
import { parseEpcisJsonPayload } from './epcis-json.parser';
import { parseEpcisXmlPayload } from './epcis-xml.parser';
import { parseJsonPayload } from './json.parser';
import { parseXmlPayload } from './xml.parser';

export const SOURCE_FORMATS = ['json', 'xml', 'csv', 'epcis-json', 'epcis-xml'] as const;
export type SourceFormat = (typeof SOURCE_FORMATS)[number];

export type ParsedPayload =
  | { format: 'json'; data: unknown }
  | { format: 'xml'; data: Record<string, unknown> }
  | { format: 'csv'; data: CsvRow[] }
  /** `data` is the document as parsed; `events` its events in EPCIS 2.0 JSON form. */
  | { format: 'epcis-json' | 'epcis-xml'; data: unknown; events: Array<Record<string, unknown>> };

export function isSourceFormat(value: unknown): value is SourceFormat {
  return typeof value === 'string' && (SOURCE_FORMATS as readonly string[]).includes(value);
}

/**
 * Reads a body in its source's format. Throws PayloadParseError (MALFORMED_PAYLOAD) with a line and
 * column (text formats) or a JSON path (EPCIS structure) when it cannot, PayloadLimitError when the
 * body is over a PAYLOAD_LIMITS limit, and nothing else.
 */
export function parsePayload(format: SourceFormat, body: Buffer | string): ParsedPayload {
  try {
    return parseAs(format, body);
  } catch (error) {
    if (error instanceof PayloadParseError) throw error;
    // A parser library giving up on a body it cannot read is still a body that cannot be read:
    // the sender must hear 400 (not 500) and the worker must quarantine it (not retry it).
    throw new PayloadParseError(
      `the body could not be read as ${format}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

function parseAs(format: SourceFormat, body: Buffer | string): ParsedPayload {
  switch (format) {
    case 'json':
      return { format, data: parseJsonPayload(body) };
    case 'xml':
      return { format, data: parseXmlPayload(body) };
    case 'csv':
      return { format, data: parseCsvPayload(body) };
    case 'epcis-json': {
      const { document, events } = parseEpcisJsonPayload(body);
      return { format, data: document, events };
    }
    case 'epcis-xml': {
      const { document, events } = parseEpcisXmlPayload(body);
      return { format, data: document, events };
    }
    default:
      throw new PayloadParseError(
        `unknown source format ${JSON.stringify(format)}; expected one of ${SOURCE_FORMATS.join(', ')}`,
      );
  }
}
