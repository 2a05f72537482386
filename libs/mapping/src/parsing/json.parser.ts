import { PayloadParseError, locate } from '../errors/payload-parse.error';
import { locateJsonError } from './json-error-locator';
import { decodeUtf8 } from './utf8-text';

/** JSON text → value, with a line/column message when it is not JSON. */
export function parseJsonText(text: string): unknown {
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
