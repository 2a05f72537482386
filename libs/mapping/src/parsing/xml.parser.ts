import { XMLParser } from 'fast-xml-parser';
import { PAYLOAD_LIMITS } from './payload-limits';
import { decodeUtf8 } from './utf8-text';
import { checkXmlText } from './xml-safety';

/**
 * The contract's XML conventions (hub-interface.md, "Mapping"): attributes as `@name`, element
 * text as `#text` only where the element also has attributes, every value a string (codes keep
 * their leading zeros), text trimmed. Repeated elements become arrays, single ones do not —
 * JSONata paths treat both alike. Namespace prefixes are kept as written (`epcis:EventList`).
 */
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  textNodeName: '#text',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  removeNSPrefix: false,
  // The predefined entities and character references (`&#7841;` is how some systems write "ạ").
  // htmlEntities also decodes `&nbsp;`-style names; DTD-declared entities never get here.
  processEntities: true,
  htmlEntities: true,
  // checkXmlDepth refuses deeper documents first, with a line and column; this only backs it up.
  maxNestedTags: PAYLOAD_LIMITS.maxDepth,
});

/** XML text → plain object per the conventions above (after the safety and well-formedness checks). */
export function parseXmlText(text: string): Record<string, unknown> {
  checkXmlText(text);
  return parser.parse(text) as Record<string, unknown>;
}

/** An `xml` body. */
export function parseXmlPayload(body: Buffer | string): Record<string, unknown> {
  return parseXmlText(decodeUtf8(body));
}
