import { isEpcisEventType } from '@txng/national-model';
import { PayloadParseError } from '../errors/payload-parse.error';
import { parseJsonText } from './json.parser';
import { decodeUtf8 } from './utf8-text';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isEvent = (v: unknown): v is Json => isObj(v) && isEpcisEventType(v.type);

/** The object entries of a JSON-LD `@context` (string entries name remote contexts and define no prefix here). */
function contextObjects(context: unknown): Json[] {
  return (Array.isArray(context) ? context : [context]).filter(isObj);
}

/**
 * Gives an event the prefix definitions of its document's `@context`, so that it hashes (and is
 * understood) the same once it is taken out of the document as a national-model record.
 */
function withDocumentContext(event: Json, docContext: Json[]): Json {
  if (docContext.length === 0) return event;
  const own =
    event['@context'] === undefined
      ? []
      : Array.isArray(event['@context'])
        ? (event['@context'] as unknown[])
        : [event['@context']];
  return { ...event, '@context': [...docContext, ...own] };
}

/** Events of a parsed EPCIS 2.0 JSON-LD value: a document, a query document, one event or an array of events. */
export function epcisJsonEvents(doc: unknown): Json[] {
  if (Array.isArray(doc)) {
    const bad = doc.findIndex((e) => !isEvent(e));
    if (bad >= 0)
      throw new PayloadParseError(
        `item ${bad} is not an EPCIS event (type must be ObjectEvent, AggregationEvent, TransformationEvent, TransactionEvent or AssociationEvent)`,
        { path: `/${bad}` },
      );
    return doc as Json[];
  }
  if (isEvent(doc)) return [doc];
  if (!isObj(doc))
    throw new PayloadParseError('expected an EPCIS document, an event or an array of events', { path: '' });
  const body = doc.epcisBody;
  if (!isObj(body))
    throw new PayloadParseError(
      `no epcisBody: expected {"type":"EPCISDocument","epcisBody":{"eventList":[…]}} (got type ${JSON.stringify(doc.type)})`,
      { path: '/epcisBody' },
    );
  let list: unknown;
  let where: string;
  if (doc.type === 'EPCISQueryDocument' || body.queryResults !== undefined) {
    const results =
      isObj(body.queryResults) && isObj(body.queryResults.resultsBody)
        ? body.queryResults.resultsBody
        : undefined;
    list = results?.eventList;
    where = '/epcisBody/queryResults/resultsBody/eventList';
  } else {
    list = body.eventList ?? (body.event !== undefined ? [body.event] : undefined);
    where = '/epcisBody/eventList';
  }
  if (!Array.isArray(list)) throw new PayloadParseError('the document has no event list', { path: where });
  const bad = list.findIndex((e) => !isEvent(e));
  if (bad >= 0)
    throw new PayloadParseError(`item ${bad} of the event list is not an EPCIS event with a known type`, {
      path: `${where}/${bad}`,
    });
  const ctx = contextObjects(doc['@context']);
  return (list as Json[]).map((e) => withDocumentContext(e, ctx));
}

/** An `epcis-json` body: the document as parsed (what a mapping sees) and its events. */
export function parseEpcisJsonPayload(body: Buffer | string): { document: unknown; events: Json[] } {
  const document = parseJsonText(decodeUtf8(body));
  return { document, events: epcisJsonEvents(document) };
}
