import { PayloadLimitError, PayloadParseError, locate } from '../errors/payload-parse.error';
import { locateJsonError } from './json-error-locator';
import { PAYLOAD_LIMITS } from './payload-limits';
import { decodeUtf8 } from './utf8-text';

/**
 * Refuses arrays and objects nested deeper than PAYLOAD_LIMITS.maxDepth, before anything parses the
 * text: JSON.parse copes with any depth, but the mapping, the normaliser and the event hash walk the
 * value recursively and a few thousand levels end their stack.
 */
export function checkJsonDepth(text: string): void {
  const max = PAYLOAD_LIMITS.maxDepth;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // A string: brackets inside it do not count; skip to its closing quote.
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) {
        throw new PayloadLimitError(
          `the JSON nests arrays and objects deeper than ${max} levels, the hub's limit (maxDepth); flatten the structure`,
          'maxDepth',
          max,
          locate(text, i),
        );
      }
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
}

/** JSON text → value, with a line/column message when it is not JSON or nests too deep. */
export function parseJsonText(text: string): unknown {
  checkJsonDepth(text);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const problem = locateJsonError(text);
    if (problem)
      throw new PayloadParseError(
        `the body is not valid JSON: ${problem.message}`,
        locate(text, problem.offset),
      );
    throw new PayloadParseError(
      `the body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** A `json` body: UTF-8 (BOM dropped) parsed as is. */
export function parseJsonPayload(body: Buffer | string): unknown {
  return parseJsonText(decodeUtf8(body));
}
