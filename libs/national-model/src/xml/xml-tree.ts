import { XMLParser } from 'fast-xml-parser';

/**
 * An element with namespaces resolved, for documents where namespaces carry meaning (EPCIS): the
 * Event Hash ID of XML events and the hub's EPCIS XML → JSON conversion both read documents this way.
 */
export interface XmlElement {
  /** Local name. */
  local: string;
  /** Namespace URI ('' for none). */
  ns: string;
  /** Prefix as written ('' for none), to name extension fields the way the document did. */
  prefix: string;
  attributes: Array<{ local: string; ns: string; prefix: string; value: string }>;
  text: string;
  children: XmlElement[];
}

type Ordered = Array<Record<string, unknown>>;

const orderedParser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

function split(qname: string): [string, string] {
  const colon = qname.indexOf(':');
  return colon < 0 ? ['', qname] : [qname.slice(0, colon), qname.slice(colon + 1)];
}

function read(items: Ordered, scope: ReadonlyMap<string, string>): XmlElement[] {
  const out: XmlElement[] = [];
  for (const item of items) {
    const tag = Object.keys(item).find((k) => k !== ':@');
    if (tag === undefined || tag === '#text' || tag === '#comment' || tag.startsWith('?')) continue;
    const raw = (item[':@'] ?? {}) as Record<string, unknown>;
    const local = new Map(scope);
    for (const [k, v] of Object.entries(raw)) {
      if (k === 'xmlns') local.set('', String(v));
      else if (k.startsWith('xmlns:')) local.set(k.slice(6), String(v));
    }
    const attributes: XmlElement['attributes'] = [];
    for (const [k, v] of Object.entries(raw)) {
      if (k === 'xmlns' || k.startsWith('xmlns:')) continue;
      const [prefix, name] = split(k);
      // Unprefixed attributes are in no namespace (XML Namespaces §6.2), not the default one.
      attributes.push({ local: name, prefix, ns: prefix ? (local.get(prefix) ?? '') : '', value: String(v) });
    }
    const content = (item[tag] ?? []) as Ordered;
    const text = content
      .filter((c) => '#text' in c)
      .map((c) => String(c['#text']))
      .join('')
      .trim();
    const [prefix, name] = split(tag);
    out.push({
      local: name,
      prefix,
      ns: local.get(prefix) ?? '',
      attributes,
      text,
      children: read(content, local),
    });
  }
  return out;
}

/** Parses checked XML text into namespace-resolved elements (the document's top-level elements). */
export function readXmlTree(text: string): XmlElement[] {
  return read(orderedParser.parse(text) as Ordered, new Map());
}
