import { readXmlTree, type XmlElement as TreeElement } from '../xml/xml-tree';
import { type HashNode, node } from './hash-node';

/** Namespaces of the EPCIS/CBV schemas themselves: their elements are the standard fields. */
function isStandardNamespace(uri: string): boolean {
  return uri.startsWith('urn:epcglobal:epcis:') || uri === '';
}

const WRAPPERS = new Set(['extension', 'baseExtension']);

/** An element as the hash sees it: standard fields by local name, extensions as `{namespace}local`. */
interface XmlElement {
  name: string;
  text: string;
  attributes: Array<[string, string]>;
  children: XmlElement[];
}

const qualified = (el: { local: string; ns: string }): string =>
  isStandardNamespace(el.ns) ? el.local : `{${el.ns}}${el.local}`;

/** Qualifies names, drops xsi: attributes and flattens 1.x `extension` wrappers. */
function toHashElements(elements: TreeElement[]): XmlElement[] {
  const out: XmlElement[] = [];
  for (const el of elements) {
    const children = toHashElements(el.children);
    const name = qualified(el);
    if (WRAPPERS.has(name)) {
      out.push(...children);
      continue;
    }
    const attributes = el.attributes
      .filter((a) => a.prefix !== 'xsi')
      .map((a): [string, string] => [qualified(a), a.value]);
    out.push({ name, text: el.text, attributes, children });
  }
  return out;
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
  const root = toHashElements(readXmlTree(xml));
  const eventList = findEventList(root);
  const ignored = findIgnoredFields(root, new Set());
  if (!eventList) return { events: [], ignored };
  return {
    events: eventList.children.map((ev) => ({ eventType: ev.name, fields: toNode(ev).children })),
    ignored,
  };
}
