import { createHash } from 'node:crypto';
import { type HashNode } from './hash-node';
import { IGNORED_FIELDS, type JsonLdNamespaces, expandKey, jsonEventToNodes } from './json-to-nodes';
import { preHashString } from './pre-hash';
import { STANDARD_VOCAB_PREFIXES, expandVocabulary } from './vocabulary';
import { xmlEventsToNodes } from './xml-to-nodes';

export interface EventHashResult {
  /** `ni:///sha-256;{hex}?ver=CBV2.0` */
  hashId: string;
  /** The string that was hashed, for debugging a mismatch with another implementation. */
  preHash: string;
}

/** Prefixes the EPCIS 2.0 JSON-LD context defines, available to every event. */
const DEFAULT_PREFIXES: ReadonlyArray<[string, string]> = [
  ['gs1', 'https://gs1.org/voc/'],
  ['cbv', 'https://ref.gs1.org/cbv/'],
  ['epcis', 'https://ref.gs1.org/epcis/'],
  ['cbvmda', 'urn:epcglobal:cbv:mda:'],
];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads prefix definitions from a JSON-LD `@context` (string entries carry none). */
export function namespacesFromContext(context: unknown, ignoreFields: unknown = []): JsonLdNamespaces {
  const prefixes = new Map<string, string>(DEFAULT_PREFIXES);
  for (const entry of Array.isArray(context) ? context : [context]) {
    if (!isRecord(entry)) continue;
    for (const [k, v] of Object.entries(entry)) if (typeof v === 'string') prefixes.set(k, v);
  }
  const base: JsonLdNamespaces = { prefixes, ignored: new Set() };
  const ignored = new Set<string>();
  if (Array.isArray(ignoreFields))
    for (const f of ignoreFields) if (typeof f === 'string') ignored.add(expandKey(f, base));
  return { prefixes, ignored };
}

function vocabPrefixes(ns: JsonLdNamespaces): Map<string, string> {
  const out = new Map(STANDARD_VOCAB_PREFIXES);
  for (const [prefix, uri] of ns.prefixes) {
    if (uri.startsWith('https://ref.gs1.org/') || uri.startsWith('https://gs1.org/')) out.set(prefix, uri);
  }
  return out;
}

function finish(eventType: string, fields: HashNode[], vocab: ReadonlyMap<string, string>): EventHashResult {
  const expanded = fields
    .filter((f) => !IGNORED_FIELDS.has(f.name))
    .map((f) => expandVocabulary(f, '', vocab));
  const preHash = preHashString(eventType, expanded);
  const hex = createHash('sha256').update(preHash, 'utf8').digest('hex');
  return { hashId: `ni:///sha-256;${hex}?ver=CBV2.0`, preHash };
}

/**
 * The GS1 EPCIS Event Hash ID of one EPCIS 2.0 JSON-LD event. `context` is the document's
 * `@context` when the event came inside a document (it defines the extension prefixes); the
 * event's own `@context`, if any, is used too.
 */
export function computeEventHash(
  event: Record<string, unknown>,
  context?: unknown,
  ignoreFields?: unknown,
): EventHashResult {
  const asList = (v: unknown): unknown[] => (Array.isArray(v) ? (v as unknown[]) : [v]);
  const ns = namespacesFromContext([...asList(context), ...asList(event['@context'])], ignoreFields);
  return finish(
    typeof event.type === 'string' ? event.type : '',
    jsonEventToNodes(event, ns),
    vocabPrefixes(ns),
  );
}

/** Just the `ni:///sha-256;…?ver=CBV2.0` identifier. */
export function eventHashId(event: Record<string, unknown>, context?: unknown): string {
  return computeEventHash(event, context).hashId;
}

/** The events of an EPCIS document or query document (JSON-LD), in document order. */
export function eventsOfJsonDocument(doc: unknown): Array<Record<string, unknown>> {
  if (!isRecord(doc) || !isRecord(doc.epcisBody)) return [];
  const body = doc.epcisBody;
  let list: unknown = body.eventList;
  if (list === undefined && isRecord(body.queryResults) && isRecord(body.queryResults.resultsBody))
    list = body.queryResults.resultsBody.eventList;
  if (list === undefined && body.event !== undefined) list = [body.event];
  return Array.isArray(list) ? list.filter(isRecord) : [];
}

/** A document's `ignoreFields` list (any prefix, any level outside the events). */
function documentIgnoreFields(value: unknown): unknown {
  if (Array.isArray(value)) {
    for (const v of value) {
      const found = documentIgnoreFields(v);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (!isRecord(value)) return undefined;
  for (const [k, v] of Object.entries(value)) {
    if (k === 'ignoreFields' || k.endsWith(':ignoreFields')) return v;
    if (k === 'eventList') continue;
    const found = documentIgnoreFields(v);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Event hashes of every event of an EPCIS 2.0 JSON-LD document, in document order. */
export function eventHashesFromJsonDocument(doc: unknown): EventHashResult[] {
  if (!isRecord(doc)) return [];
  return eventsOfJsonDocument(doc).map((e) =>
    computeEventHash(e, doc['@context'], documentIgnoreFields(doc) ?? []),
  );
}

/** Event hashes of every event of an EPCIS 1.2/2.0 XML document, in document order. */
export function eventHashesFromXmlDocument(xml: string): EventHashResult[] {
  const doc = xmlEventsToNodes(xml);
  return doc.events.map((ev) =>
    finish(
      ev.eventType,
      ev.fields.filter((f) => !doc.ignored.has(f.name)),
      STANDARD_VOCAB_PREFIXES,
    ),
  );
}
