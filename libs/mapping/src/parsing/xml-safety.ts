import { XMLValidator } from 'fast-xml-parser';
import { PayloadParseError, locate } from '../errors/payload-parse.error';

/**
 * Refuses document type declarations before anything parses the body: no source needs a DTD, and
 * entity declarations are how XXE and "billion laughs" attacks work. Then checks well-formedness
 * so a malformed body is answered with a line and column instead of a half-parsed object.
 */
export function checkXmlText(text: string): void {
  const doctype = /<!DOCTYPE|<!ENTITY/i.exec(text);
  if (doctype) {
    throw new PayloadParseError(
      'XML with a DOCTYPE or ENTITY declaration is refused (entities are not supported, for security); remove the declaration',
      locate(text, doctype.index),
    );
  }
  if (text.trim() === '') throw new PayloadParseError('the XML body is empty', { line: 1, column: 1 });
  const result = XMLValidator.validate(text, { allowBooleanAttributes: false });
  if (result !== true) {
    throw new PayloadParseError(`the body is not well-formed XML: ${result.err.msg}`, {
      line: result.err.line,
      column: result.err.col,
    });
  }
}
