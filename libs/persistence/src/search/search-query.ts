import {
  buildDigitalLink,
  type CarrierData,
  epcUrnToDigitalLink,
  isValidGln,
  isValidSscc,
  locationKey,
  lotKey,
  organizationKey,
  parseDigitalLink,
  parseElementString,
  productKey,
  toGtin14,
} from '@txng/national-model';

/** What a pasted search text was read as (the admin UI names it). */
export type QueryReading =
  | 'digital-link'
  | 'element-string'
  | 'epc-urn'
  | 'gtin'
  | 'gln'
  | 'sscc'
  | 'tax-code'
  | 'record-key'
  | 'receipt-id'
  | 'text';

export interface SearchQuery {
  text: string;
  as: QueryReading;
  /** Record keys the text names exactly, the most specific first (a lot before its product). */
  exactKeys: string[];
  /** Key prefixes of records under what it names (a GTIN's lots, a GLN's extensions). */
  keyPrefixes: string[];
  /** National-model field values it may be (`data @> {field: value}`). */
  fieldValues: Array<Record<string, string>>;
  /** GS1 Digital Link URIs events carry for what it names (EPCIS identifiers are stored as these). */
  identifiers: string[];
  /** A receipt id (a UUID). */
  receiptId: string | null;
}

/** Fields of national-model records that identify something an operator would type. */
const DATA_FIELDS = ['gtin', 'lot', 'gln', 'taxCode', 'ownerTaxCode', 'producerTaxCode', 'serial'] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TAX_CODE = /^\d{10}(-\d{3})?$/;

/** What a GS1 data carrier names: keys, prefixes and the identifiers events would carry. */
function fromCarrier(text: string, as: QueryReading, data: CarrierData): SearchQuery {
  const q = empty(text, as);
  const gtin = data.gtin14;
  if (gtin) {
    if (data.lot !== undefined) q.exactKeys.push(lotKey(gtin, data.lot));
    q.exactKeys.push(productKey(gtin));
    if (data.lot === undefined) q.keyPrefixes.push(`lot:${gtin}/`);
    q.fieldValues.push({ gtin });
  }
  if (data.gln) {
    if (data.glnExtension) q.exactKeys.push(locationKey(data.gln, data.glnExtension));
    q.exactKeys.push(locationKey(data.gln));
    q.fieldValues.push({ gln: data.gln });
  }
  // The identifier as EPCIS events in the hub carry it (epcList, parentID, readPoint, quantityList…):
  // a Digital Link URI of one primary key with its qualifier, nothing else.
  if (gtin) {
    if (data.serial !== undefined) q.identifiers.push(buildDigitalLink({ '01': gtin, '21': data.serial })!);
    if (data.lot !== undefined) q.identifiers.push(buildDigitalLink({ '01': gtin, '10': data.lot })!);
    if (data.serial === undefined && data.lot === undefined)
      q.identifiers.push(buildDigitalLink({ '01': gtin })!);
  }
  if (data.sscc) q.identifiers.push(buildDigitalLink({ '00': data.sscc })!);
  if (data.gln) {
    const ais: Record<string, string> = { '414': data.gln };
    if (data.glnExtension) ais['254'] = data.glnExtension;
    q.identifiers.push(buildDigitalLink(ais)!);
  }
  return q;
}

function empty(text: string, as: QueryReading): SearchQuery {
  return { text, as, exactKeys: [], keyPrefixes: [], fieldValues: [], identifiers: [], receiptId: null };
}

/**
 * Reads a pasted search text with the national model's carrier parsers (Digital Link, element
 * string, EPC URN) and key rules: which records it names exactly, which lie under it, and which
 * identifiers events would carry for it. Anything else is searched as text (webhook-id, event id,
 * lot number, record key).
 */
export function readSearchQuery(text: string): SearchQuery {
  if (/^https?:\/\//i.test(text)) {
    const parsed = parseDigitalLink(text);
    if (parsed.ok) return fromCarrier(text, 'digital-link', parsed.data);
  }
  if (/^urn:epc:/i.test(text)) {
    const uri = epcUrnToDigitalLink(text);
    const parsed = uri ? parseDigitalLink(uri) : undefined;
    if (parsed?.ok) return fromCarrier(text, 'epc-urn', parsed.data);
  }
  if (/^(\(\d{2,4}\)|\][A-Za-z]\d)/.test(text)) {
    const parsed = parseElementString(text);
    if (parsed.ok) return fromCarrier(text, 'element-string', parsed.data);
  }
  if (UUID.test(text)) return { ...empty(text, 'receipt-id'), receiptId: text.toLowerCase() };
  if (/^(org|gln|gtin|lot):\S+$/.test(text) || text.startsWith('ni:///')) {
    return { ...empty(text, 'record-key'), exactKeys: [text] };
  }
  if (/^\d{18}$/.test(text) && isValidSscc(text)) {
    return { ...empty(text, 'sscc'), identifiers: [buildDigitalLink({ '00': text })!] };
  }
  const gtin = /^\d{8,14}$/.test(text) ? toGtin14(text) : undefined;
  const gln = /^\d{13}$/.test(text) && isValidGln(text);
  if (gtin || gln) {
    const q = empty(text, gtin ? 'gtin' : 'gln');
    if (gtin) {
      q.exactKeys.push(productKey(gtin));
      q.keyPrefixes.push(`lot:${gtin}/`);
      q.fieldValues.push({ gtin });
      q.identifiers.push(buildDigitalLink({ '01': gtin })!);
    }
    // 13 digits with a good check digit are both a GTIN-13 and a GLN: both are searched.
    if (gln) {
      q.exactKeys.push(locationKey(text));
      q.keyPrefixes.push(`gln:${text}:`);
      q.fieldValues.push({ gln: text });
      q.identifiers.push(buildDigitalLink({ '414': text })!);
    }
    return q;
  }
  const q = empty(text, TAX_CODE.test(text) ? 'tax-code' : 'text');
  if (q.as === 'tax-code') q.exactKeys.push(organizationKey(text));
  for (const field of DATA_FIELDS) q.fieldValues.push({ [field]: text });
  return q;
}
