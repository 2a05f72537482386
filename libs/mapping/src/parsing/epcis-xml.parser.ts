import {
  EPC_LIST_FIELDS,
  QUANTITY_LIST_FIELDS,
  type XmlElement,
  cbvBareWord,
  isEpcisEventType,
  readXmlTree,
} from '@txng/national-model';
import { PayloadParseError } from '../errors/payload-parse.error';
import { decodeUtf8 } from './utf8-text';
import { parseXmlText } from './xml.parser';

type Json = Record<string, unknown>;

/** 1.x put newer fields inside `extension` / `baseExtension`; 2.0 JSON has them flat. */
const WRAPPERS = new Set(['extension', 'baseExtension']);
const TEXT_FIELDS = new Set([
  'eventTime',
  'recordTime',
  'eventTimeZoneOffset',
  'eventID',
  'action',
  'parentID',
  'transformationID',
]);
const SENSOR_NUMBERS = new Set([
  'value',
  'minValue',
  'maxValue',
  'meanValue',
  'sDev',
  'percRank',
  'percValue',
]);

/** The EPCIS/CBV schemas' own namespaces: their elements are the standard fields. */
function isStandard(el: XmlElement): boolean {
  return el.ns === '' || el.ns.startsWith('urn:epcglobal:epcis');
}

function unwrap(children: XmlElement[]): XmlElement[] {
  return children.flatMap((c) => (isStandard(c) && WRAPPERS.has(c.local) ? unwrap(c.children) : [c]));
}

class EventConverter {
  /** Extension prefixes the event uses, for its `@context` (so its hash matches the XML's). */
  readonly prefixes = new Map<string, string>();

  private key(el: { local: string; ns: string; prefix: string }): string {
    if (el.ns === '' || el.ns.startsWith('urn:epcglobal:epcis')) return el.local;
    if (el.prefix) {
      this.prefixes.set(el.prefix, el.ns);
      return `${el.prefix}:${el.local}`;
    }
    return `{${el.ns}}${el.local}`;
  }

  /** An extension element as JSON: text, or an object of its attributes and children. */
  generic(el: XmlElement): unknown {
    const children = unwrap(el.children);
    if (children.length === 0 && el.attributes.length === 0) return el.text;
    const out: Json = {};
    for (const a of el.attributes) if (!(a.prefix === 'xsi')) out[this.key(a)] = a.value;
    for (const c of children) this.put(out, this.key(c), this.generic(c));
    if (el.text !== '') out['#text'] = el.text;
    return out;
  }

  private put(out: Json, key: string, value: unknown): void {
    if (!(key in out)) out[key] = value;
    else if (Array.isArray(out[key])) (out[key] as unknown[]).push(value);
    else out[key] = [out[key], value];
  }

  private attrs(el: XmlElement, numeric: ReadonlySet<string> = new Set()): Json {
    const out: Json = {};
    for (const a of el.attributes) {
      const k = this.key(a);
      out[k] =
        numeric.has(k) && a.value.trim() !== '' && Number.isFinite(Number(a.value))
          ? Number(a.value)
          : a.value;
    }
    return out;
  }

  private field(ev: Json, el: XmlElement): void {
    const name = el.local;
    const kids = unwrap(el.children);
    if (TEXT_FIELDS.has(name)) ev[name] = el.text;
    else if (name === 'bizStep') ev.bizStep = cbvBareWord(el.text, 'bizstep');
    else if (name === 'disposition') ev.disposition = cbvBareWord(el.text, 'disp');
    else if (name === 'certificationInfo') this.put(ev, name, el.text);
    else if (EPC_LIST_FIELDS.has(name)) ev[name] = kids.filter((k) => k.local === 'epc').map((k) => k.text);
    else if (QUANTITY_LIST_FIELDS.has(name)) {
      ev[name] = kids
        .filter((k) => k.local === 'quantityElement')
        .map((q) => {
          const out: Json = {};
          for (const c of unwrap(q.children)) {
            if (c.local === 'quantity')
              out.quantity = Number.isFinite(Number(c.text)) && c.text !== '' ? Number(c.text) : c.text;
            else if (isStandard(c)) out[c.local] = c.text;
            else out[this.key(c)] = this.generic(c);
          }
          return out;
        });
    } else if (name === 'readPoint' || name === 'bizLocation') {
      const out: Json = {};
      for (const c of kids)
        out[isStandard(c) ? c.local : this.key(c)] = isStandard(c) ? c.text : this.generic(c);
      ev[name] = out;
    } else if (name === 'bizTransactionList' || name === 'sourceList' || name === 'destinationList') {
      const item = {
        bizTransactionList: 'bizTransaction',
        sourceList: 'source',
        destinationList: 'destination',
      }[name];
      const vocab = name === 'bizTransactionList' ? 'btt' : 'sdt';
      ev[name] = kids
        .filter((k) => k.local === item)
        .map((k) => {
          const type = k.attributes.find((a) => a.local === 'type')?.value;
          return type === undefined ? { [item]: k.text } : { type: cbvBareWord(type, vocab), [item]: k.text };
        });
    } else if (name === 'persistentDisposition') {
      const out: Json = {};
      for (const c of kids)
        if (c.local === 'set' || c.local === 'unset')
          ((out[c.local] ??= []) as unknown[]).push(cbvBareWord(c.text, 'disp'));
      ev[name] = out;
    } else if (name === 'errorDeclaration') {
      const out: Json = {};
      for (const c of kids) {
        if (!isStandard(c)) out[this.key(c)] = this.generic(c);
        else if (c.local === 'reason') out.reason = cbvBareWord(c.text, 'er');
        else if (c.local === 'correctiveEventIDs')
          out.correctiveEventIDs = unwrap(c.children).map((x) => x.text);
        else out[c.local] = c.text;
      }
      ev[name] = out;
    } else if (name === 'sensorElementList') {
      ev[name] = kids
        .filter((k) => k.local === 'sensorElement')
        .map((s) => {
          const out: Json = {};
          for (const c of unwrap(s.children)) {
            if (!isStandard(c)) this.put(out, this.key(c), this.generic(c));
            else if (c.local === 'sensorMetadata') out.sensorMetadata = this.attrs(c);
            else if (c.local === 'sensorReport')
              ((out.sensorReport ??= []) as unknown[]).push(this.attrs(c, SENSOR_NUMBERS));
          }
          return out;
        });
    } else if (name === 'ilmd') {
      const out: Json = {};
      for (const c of kids) this.put(out, this.key(c), this.generic(c));
      ev.ilmd = out;
    } else ev[name] = this.generic(el);
  }

  event(el: XmlElement): Json {
    const ev: Json = { type: el.local };
    for (const c of unwrap(el.children)) {
      if (isStandard(c)) this.field(ev, c);
      else this.put(ev, this.key(c), this.generic(c));
    }
    if (this.prefixes.size > 0) ev['@context'] = [Object.fromEntries(this.prefixes)];
    return ev;
  }
}

function findEventList(elements: XmlElement[]): XmlElement | undefined {
  for (const el of elements) {
    if (el.local === 'EventList' && isStandard(el)) return el;
    const found = findEventList(el.children);
    if (found) return found;
  }
  return undefined;
}

/** The events of checked EPCIS 1.2/2.0 XML text, as EPCIS 2.0 JSON events in document order. */
export function epcisXmlEvents(text: string): Json[] {
  const eventList = findEventList(readXmlTree(text));
  if (!eventList) {
    throw new PayloadParseError(
      'no EPCIS EventList found; expected an EPCISDocument (EPCISBody/EventList) or an EPCISQueryDocument (…/resultsBody/EventList)',
      { path: '/' },
    );
  }
  return unwrap(eventList.children)
    .filter((el) => isEpcisEventType(el.local))
    .map((el) => new EventConverter().event(el));
}

/** An `epcis-xml` body: the document in the XML conventions (what a mapping sees) and its events. */
export function parseEpcisXmlPayload(body: Buffer | string): {
  document: Record<string, unknown>;
  events: Json[];
} {
  const text = decodeUtf8(body);
  const document = parseXmlText(text);
  return { document, events: epcisXmlEvents(text) };
}
