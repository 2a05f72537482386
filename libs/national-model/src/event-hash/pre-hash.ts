import { type HashNode } from './hash-node';
import { canonicalTimestamp, canonicalValue } from './value-canon';

type Order = ReadonlyArray<readonly [string, Order | null]>;

const QUANTITY: Order = [
  [
    'quantityElement',
    [
      ['epcClass', null],
      ['quantity', null],
      ['uom', null],
    ],
  ],
];
const EPCS: Order = [['epc', null]];

/**
 * The property order of the Event Hash ID (CBV 2.0 §8.9 / the reference implementation's
 * PROP_ORDER). bizTransactionList, sourceList and destinationList are not listed: the reference
 * hashes them with the user extensions, sorted, and its published vectors depend on that.
 */
const PROP_ORDER: Order = [
  ['eventTime', null],
  ['eventTimeZoneOffset', null],
  ['certificationInfo', null],
  ['epcList', EPCS],
  ['parentID', null],
  ['inputEPCList', EPCS],
  ['childEPCs', EPCS],
  ['quantityList', QUANTITY],
  ['childQuantityList', QUANTITY],
  ['inputQuantityList', QUANTITY],
  ['outputEPCList', EPCS],
  ['outputQuantityList', QUANTITY],
  ['action', null],
  ['transformationID', null],
  ['bizStep', null],
  ['disposition', null],
  [
    'persistentDisposition',
    [
      ['set', null],
      ['unset', null],
    ],
  ],
  ['readPoint', [['id', null]]],
  ['bizLocation', [['id', null]]],
  [
    'sensorElementList',
    [
      [
        'sensorElement',
        [
          [
            'sensorMetadata',
            [
              'time',
              'startTime',
              'endTime',
              'deviceID',
              'deviceMetadata',
              'rawData',
              'dataProcessingMethod',
              'bizRules',
            ].map((n) => [n, null] as const),
          ],
          [
            'sensorReport',
            [
              'type',
              'exception',
              'deviceID',
              'deviceMetadata',
              'rawData',
              'dataProcessingMethod',
              'time',
              'microorganism',
              'chemicalSubstance',
              'value',
              'component',
              'stringValue',
              'booleanValue',
              'hexBinaryValue',
              'uriValue',
              'minValue',
              'maxValue',
              'meanValue',
              'sDev',
              'percRank',
              'percValue',
              'uom',
              'coordinateReferenceSystem',
            ].map((n) => [n, null] as const),
          ],
        ],
      ],
    ],
  ],
];

/** Lists whose elements hash as `type=…` then `{element}=…` (see PROP_ORDER). */
const TYPED_LISTS: Record<string, string> = {
  bizTransactionList: 'bizTransaction',
  sourceList: 'source',
  destinationList: 'destination',
};

function isTimeField(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.includes('time') && !lower.includes('offset');
}

function orderedValue(n: HashNode): string {
  const text = n.value.trim();
  if (!text) return '';
  return `=${isTimeField(n.name) ? canonicalTimestamp(text) : canonicalValue(text)}`;
}

interface Rendered {
  text: string;
  /** Ordered elements that kept standard (un-namespaced) children outside the order, pruned to them. */
  leftovers: HashNode[];
}

const isExtension = (n: HashNode) => n.name.startsWith('{');

/**
 * Renders `nodes` in `order`. Inside an ordered element, user extensions (namespaced children)
 * are hashed right after the standard children of that element; a standard field the order does
 * not know (e.g. `bizRules` on a sensorReport) is hashed later with the other unordered fields,
 * under its ancestors — which is what the reference implementation's vectors encode.
 */
function renderOrdered(nodes: readonly HashNode[], order: Order, used: Set<HashNode>): Rendered {
  let text = '';
  const leftovers: HashNode[] = [];
  for (const [name, sub] of order) {
    const parts: string[] = [];
    for (const n of nodes) {
      if (n.name !== name) continue;
      used.add(n);
      let inner = '';
      if (sub) {
        const usedInner = new Set<HashNode>();
        const rendered = renderOrdered(n.children, sub, usedInner);
        const rest = n.children.filter((c) => !usedInner.has(c));
        inner = rendered.text + renderGeneric(rest.filter(isExtension));
        const remainder = [...rest.filter((c) => !isExtension(c)), ...rendered.leftovers];
        if (remainder.length > 0) leftovers.push({ name: n.name, value: '', children: remainder });
      } else if (n.children.length > 0) {
        inner = renderGeneric(n.children);
      }
      const value = orderedValue(n);
      if (value || inner) parts.push(n.name + value + inner);
    }
    parts.sort();
    text += parts.join('');
  }
  return { text, leftovers };
}

function renderGenericNode(n: HashNode): string {
  const list = TYPED_LISTS[n.name];
  if (list) {
    const parts = n.children.map((el) => {
      const types = el.children.filter((c) => c.name === 'type');
      const rest = el.children.filter((c) => c.name !== 'type');
      const typeText = types
        .map((t) => (t.value.trim() ? `type=${canonicalValue(t.value.trim())}` : ''))
        .join('');
      const value = el.value.trim() ? `${el.name}=${canonicalValue(el.value.trim())}` : '';
      return typeText + value + renderGeneric(rest);
    });
    parts.sort();
    return n.name + parts.join('');
  }
  const text = n.value.trim();
  return n.name + (text ? `=${canonicalValue(text)}` : '') + renderGeneric(n.children);
}

function renderGeneric(nodes: readonly HashNode[]): string {
  return nodes.map(renderGenericNode).sort().join('');
}

/**
 * The pre-hash string of one event: `eventType=…`, the ordered standard fields, then everything
 * else (user extensions and the typed lists), each level sorted so that list order in the source
 * does not matter.
 */
export function preHashString(eventType: string, fields: readonly HashNode[]): string {
  const used = new Set<HashNode>();
  const ordered = renderOrdered(fields, PROP_ORDER, used);
  const unordered = [...fields.filter((f) => !used.has(f)), ...ordered.leftovers];
  return `eventType=${eventType}${ordered.text}${renderGeneric(unordered)}`;
}
