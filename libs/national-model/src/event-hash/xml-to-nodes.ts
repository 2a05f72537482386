import { XMLParser } from 'fast-xml-parser';
import { type HashNode, node } from './hash-node';

type OrderedXml = Array<Record<string, unknown>>;

const parser = new XMLParser({
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

/** Namespaces of the EPCIS/CBV schemas themselves: their elements are the standard fields. */
function isStandardNamespace(uri: string): boolean {
  return uri.startsWith('urn:epcglobal:epcis:') || uri === '';
}

const WRAPPERS = new Set(['extension', 'baseExtension']);

interface XmlElement {
  name: string;
  text: string;
  attributes: Array<[string, string]>;
  children: XmlElement[];
}

function readElements(items: OrderedXml, scope: ReadonlyMap<string, string>): XmlElement[] {
  const out: XmlElement[] = [];
  for (const item of items) {
    const tag = Object.keys(item).find((k) => k !== ':@');
    if (tag === undefined || tag === '#text' || tag.startsWith('?') || tag === '#comment') continue;
    const rawAttrs = (item[':@'] ?? {}) as Record<string, unknown>;
    const local = new Map(scope);
    const attributes: Array<[string, string]> = [];
    for (const [k, v] of Object.entries(rawAttrs)) {
      if (k === 'xmlns') local.set('', String(v));
      else if (k.startsWith('xmlns:')) local.set(k.slice(6), String(v));
    }
    for (const [k, v] of Object.entries(rawAttrs)) {
      if (k === 'xmlns' || k.startsWith('xmlns:') || k.startsWith('xsi:')) continue;
      attributes.push([qualify(k, local, false), String(v)]);
    }
    const content = (item[tag] ?? []) as OrderedXml;
    const text = content
      .filter((c) => '#text' in c)
      .map((c) => String(c['#text']))
      .join('')
      .trim();
    const children = readElements(content, local);
    const name = qualify(tag, local, true);
    if (WRAPPERS.has(name)) out.push(...children);
    else out.push({ name, text, attributes, children });
  }
  return out;
}

/** `prefix:local` → `{namespace}local`, the standard EPCIS namespace → bare `local`. */
function qualify(qname: string, scope: ReadonlyMap<string, string>, useDefault: boolean): string {
  const colon = qname.indexOf(':');
  const prefix = colon < 0 ? '' : qname.slice(0, colon);
  const local = colon < 0 ? qname : qname.slice(colon + 1);
  if (colon < 0 && !useDefault) return local;
  const uri = scope.get(prefix);
  if (uri === undefined || isStandardNamespace(uri)) return local;
  return `{${uri}}${local}`;
}

function toNode(el: XmlElement): HashNode {
  return node(el.name, el.text, [...el.attributes.map(([k, v]) => node(k, v)), ...el.children.map(toNode)]);
}

function findEventList(elements: XmlElement[]): XmlElement | undefined {
  for (const el of elements) {
    if (el.name === 'EventList') return el;
    const found = findEventList(el.children);
    if (found) return found;
  }
  return undefined;
}

/** Names listed in an `ignoreFields` element outside the events (a repository's own fields). */
function findIgnoredFields(elements: XmlElement[], out: Set<string>): Set<string> {
  for (const el of elements) {
    if (el.name === 'EventList') continue;
    if (el.name === 'ignoreFields' || el.name.endsWith('}ignoreFields'))
      for (const c of el.children) out.add(c.name);
    else findIgnoredFields(el.children, out);
  }
  return out;
}

export interface XmlEvent {
  eventType: string;
  fields: HashNode[];
}

/** The events of an EPCIS 1.x/2.0 XML document (or query document), in document order. */
export function xmlEventsToNodes(xml: string): { events: XmlEvent[]; ignored: Set<string> } {
  const parsed = parser.parse(xml) as OrderedXml;
  const root = readElements(parsed, new Map());
  const eventList = findEventList(root);
  const ignored = findIgnoredFields(root, new Set());
  if (!eventList) return { events: [], ignored };
  return {
    events: eventList.children.map((ev) => ({ eventType: ev.name, fields: toNode(ev).children })),
    ignored,
  };
}
