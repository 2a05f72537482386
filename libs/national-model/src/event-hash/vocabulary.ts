import { type HashNode } from './hash-node';

const CBV = 'https://ref.gs1.org/cbv/';
const GS1_VOC = 'https://gs1.org/voc/';

/** Where a bare CBV word expands to, by field name and the element it sits in. */
function vocabularyBase(name: string, parent: string): string | undefined {
  switch (name) {
    case 'bizStep':
      return `${CBV}BizStep-`;
    case 'disposition':
      return `${CBV}Disp-`;
    case 'set':
    case 'unset':
      return parent === 'persistentDisposition' ? `${CBV}Disp-` : undefined;
    case 'type':
      if (parent === 'bizTransaction') return `${CBV}BTT-`;
      if (parent === 'source' || parent === 'destination') return `${CBV}SDT-`;
      return parent === 'sensorReport' ? GS1_VOC : undefined;
    case 'exception':
      return parent === 'sensorReport' ? GS1_VOC : undefined;
    case 'component':
      return parent === 'sensorReport' ? `${CBV}Comp-` : undefined;
    default:
      return undefined;
  }
}

const BARE_WORD = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/**
 * EPCIS 2.0 JSON-LD writes CBV values as bare words (`shipping`) or CURIEs (`cbv:BizStep-shipping`,
 * `gs1:Temperature`); the hash uses the full web-vocabulary URI, as JSON-LD expansion gives it.
 * `vocabPrefixes` maps the document's own prefixes that point into GS1 vocabularies.
 */
export function expandVocabulary(
  n: HashNode,
  parent: string,
  vocabPrefixes: ReadonlyMap<string, string>,
): HashNode {
  let value = n.value.trim();
  const base = vocabularyBase(n.name, parent);
  if (base && BARE_WORD.test(value)) value = base + value;
  else {
    const colon = value.indexOf(':');
    if (colon > 0) {
      const ns = vocabPrefixes.get(value.slice(0, colon));
      if (ns !== undefined) value = ns + value.slice(colon + 1);
    }
  }
  return { name: n.name, value, children: n.children.map((c) => expandVocabulary(c, n.name, vocabPrefixes)) };
}

export const STANDARD_VOCAB_PREFIXES: ReadonlyMap<string, string> = new Map([
  ['gs1', GS1_VOC],
  ['cbv', CBV],
]);
