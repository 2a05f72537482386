import { XMLValidator } from 'fast-xml-parser';
import { PayloadLimitError, PayloadParseError, locate } from '../errors/payload-parse.error';
import { PAYLOAD_LIMITS } from './payload-limits';

/**
 * Refuses elements nested deeper than PAYLOAD_LIMITS.maxDepth in well-formed XML text (the tags
 * are balanced, attribute values hold no "<"): the parsers and everything after them walk the tree
 * recursively.
 */
export function checkXmlDepth(text: string): void {
  const max = PAYLOAD_LIMITS.maxDepth;
  let depth = 0;
  let i = text.indexOf('<');
  const skipPast = (end: string, from: number): number => {
    const at = text.indexOf(end, from);
    return at < 0 ? text.length : at + end.length;
  };
  while (i >= 0 && i < text.length) {
    if (text.startsWith('<!--', i)) i = skipPast('-->', i + 4);
    else if (text.startsWith('<![CDATA[', i)) i = skipPast(']]>', i + 9);
    else if (text[i + 1] === '?') i = skipPast('?>', i + 2);
    else if (text[i + 1] === '!') i = skipPast('>', i + 2);
    else if (text[i + 1] === '/') {
      depth--;
      i = skipPast('>', i + 2);
    } else {
      // A start tag ends at the first ">" outside a quoted attribute value.
      let j = i + 1;
      let quote = 0;
      for (; j < text.length; j++) {
        const c = text.charCodeAt(j);
        if (quote !== 0) {
          if (c === quote) quote = 0;
        } else if (c === 0x22 || c === 0x27) quote = c;
        else if (c === 0x3e) break;
      }
      // An empty element (`<f/>`) sits one level down too, it just opens nothing after it.
      const selfClosing = text[j - 1] === '/';
      if (depth + 1 > max) {
        throw new PayloadLimitError(
          `the XML nests elements deeper than ${max} levels, the hub's limit (maxDepth); flatten the structure`,
          'maxDepth',
          max,
          locate(text, i),
        );
      }
      if (!selfClosing) depth++;
      i = j + 1;
    }
    i = text.indexOf('<', i);
  }
}

/**
 * Refuses document type declarations before anything parses the body: no source needs a DTD, and
 * entity declarations are how XXE and "billion laughs" attacks work. Then checks well-formedness
 * so a malformed body is answered with a line and column instead of a half-parsed object, and
 * the nesting depth (checkXmlDepth).
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
    // The validator leaves out the column (and sometimes the line) for a document it cannot start.
    const { line, col } = result.err as { line?: number; col?: number };
    throw new PayloadParseError(`the body is not well-formed XML: ${result.err.msg}`, {
      line: line ?? 1,
      column: col ?? 1,
    });
  }
  checkXmlDepth(text);
}
