import { EPC_LIST_FIELDS, QUANTITY_LIST_FIELDS } from '../records/epcis-fields';
import { type HashNode, node } from './hash-node';
import { pythonNumberString } from './value-canon';

/** Fields that never take part in the hash (CBV 2.0 §8.9.2). */
export const IGNORED_FIELDS = new Set([
  'recordTime',
  'eventID',
  'errorDeclaration',
  'rdfs:comment',
  'comment',
  '@context',
  '#text',
]);

const TYPED_LISTS: Record<string, string> = {
  bizTransactionList: 'bizTransaction',
  sourceList: 'source',
  destinationList: 'destination',
};

export interface JsonLdNamespaces {
  /** prefix → namespace URI, from the document's @context. */
  prefixes: ReadonlyMap<string, string>;
  /** Expanded names of fields to leave out (a document's `ignoreFields`). */
  ignored: ReadonlySet<string>;
}

function scalar(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? pythonNumberString(value) : String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return '';
}

export function expandKey(key: string, ns: JsonLdNamespaces): string {
  const colon = key.indexOf(':');
  if (colon <= 0) return key;
  const uri = ns.prefixes.get(key.slice(0, colon));
  return uri === undefined ? key : `{${uri}}${key.slice(colon + 1)}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toNodes(name: string, value: unknown, ns: JsonLdNamespaces): HashNode[] {
  if (Array.isArray(value)) return value.flatMap((v) => toNodes(name, v, ns));
  if (isRecord(value)) return [node(name, scalar(value['#text']), objectChildren(value, ns))];
  if (value === null || value === undefined) return [];
  return [node(name, scalar(value))];
}

function objectChildren(obj: Record<string, unknown>, ns: JsonLdNamespaces): HashNode[] {
  const out: HashNode[] = [];
  for (const [key, value] of Object.entries(obj)) {
    if (IGNORED_FIELDS.has(key)) continue;
    const name = expandKey(key, ns);
    if (ns.ignored.has(name)) continue;
    out.push(...toNodes(name, value, ns));
  }
  return out;
}

/**
 * One EPCIS 2.0 JSON-LD event → the XML-shaped tree: list elements get their XML element names
 * (`epc`, `quantityElement`, `sensorElement`), and `{type, bizTransaction}` objects become a
 * `bizTransaction` element with a `type` child, as in XML.
 */
export function jsonEventToNodes(event: Record<string, unknown>, ns: JsonLdNamespaces): HashNode[] {
  const out: HashNode[] = [];
  for (const [key, value] of Object.entries(event)) {
    if (key === 'type' || IGNORED_FIELDS.has(key)) continue;
    const name = expandKey(key, ns);
    if (ns.ignored.has(name)) continue;
    const items = Array.isArray(value) ? value : [value];
    if (EPC_LIST_FIELDS.has(key)) {
      out.push(
        node(
          key,
          '',
          items.flatMap((v) => toNodes('epc', v, ns)),
        ),
      );
    } else if (QUANTITY_LIST_FIELDS.has(key)) {
      out.push(
        node(
          key,
          '',
          items.flatMap((v) => toNodes('quantityElement', v, ns)),
        ),
      );
    } else if (key === 'sensorElementList') {
      out.push(
        node(
          key,
          '',
          items.flatMap((v) => toNodes('sensorElement', v, ns)),
        ),
      );
    } else if (TYPED_LISTS[key]) {
      const el = TYPED_LISTS[key];
      const children = items.filter(isRecord).map((item) => {
        const rest = Object.fromEntries(Object.entries(item).filter(([k]) => k !== el));
        return node(el, scalar(item[el]), objectChildren(rest, ns));
      });
      out.push(node(key, '', children));
    } else if ((key === 'readPoint' || key === 'bizLocation') && typeof value === 'string') {
      out.push(node(key, '', [node('id', value)]));
    } else {
      out.push(...toNodes(name, value, ns));
    }
  }
  return out;
}
