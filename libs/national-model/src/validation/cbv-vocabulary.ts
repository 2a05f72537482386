/** CBV 2.0 business steps (§7.2), written as EPCIS 2.0 JSON bare words. */
export const CBV_BIZ_STEPS: ReadonlySet<string> = new Set([
  'accepting',
  'arriving',
  'assembling',
  'collecting',
  'commissioning',
  'consigning',
  'creating_class_instance',
  'cycle_counting',
  'decommissioning',
  'departing',
  'destroying',
  'disassembling',
  'dispensing',
  'encoding',
  'entering_exiting',
  'holding',
  'inspecting',
  'installing',
  'killing',
  'loading',
  'other',
  'packing',
  'picking',
  'receiving',
  'removing',
  'repackaging',
  'repairing',
  'replacing',
  'reserving',
  'retail_selling',
  'sampling',
  'sensor_reporting',
  'shipping',
  'staging_outbound',
  'stock_taking',
  'stocking',
  'storing',
  'transporting',
  'unloading',
  'unpacking',
  'void_shipping',
]);

/** CBV 2.0 dispositions (§7.3). */
export const CBV_DISPOSITIONS: ReadonlySet<string> = new Set([
  'active',
  'available',
  'completeness_inferred',
  'completeness_verified',
  'conformant',
  'container_closed',
  'container_open',
  'damaged',
  'destroyed',
  'dispensed',
  'disposed',
  'encoded',
  'expired',
  'in_progress',
  'in_transit',
  'inactive',
  'mismatch_instance',
  'mismatch_class',
  'mismatch_quantity',
  'needs_replacement',
  'no_pedigree_match',
  'non_conformant',
  'non_sellable_other',
  'partially_dispensed',
  'recalled',
  'reserved',
  'retail_sold',
  'returned',
  'sellable_accessible',
  'sellable_not_accessible',
  'stolen',
  'unavailable',
  'unknown',
]);

/** CBV 2.0 business transaction types (§8.5; EPCIS 2.0 JSON schema bizTransaction-type). */
export const CBV_BIZ_TRANSACTION_TYPES: ReadonlySet<string> = new Set([
  'bol',
  'cert',
  'desadv',
  'inv',
  'pedigree',
  'po',
  'poc',
  'prodorder',
  'recadv',
  'rma',
  'testprd',
  'testres',
  'upevt',
]);

/** CBV 2.0 source/destination types (§8.6). */
export const CBV_SOURCE_DESTINATION_TYPES: ReadonlySet<string> = new Set([
  'owning_party',
  'possessing_party',
  'location',
]);

/** CBV 2.0 error reasons (§8.7). */
export const CBV_ERROR_REASONS: ReadonlySet<string> = new Set(['did_not_occur', 'incorrect_data']);

/** The CBV vocabularies an event names values from, by their CBV 1.x URN code. */
export type CbvVocabulary = 'bizstep' | 'disp' | 'btt' | 'sdt' | 'er';

const WEB_NAME: Record<CbvVocabulary, string> = {
  bizstep: 'BizStep',
  disp: 'Disp',
  btt: 'BTT',
  sdt: 'SDT',
  er: 'ER',
};

/** Every form a CBV value is written in: bare word, CBV 1.x URN, CBV 2.0 web URI, GS1 Web Vocabulary, CURIE. */
function cbvPrefixes(vocabulary: CbvVocabulary): string[] {
  const web = WEB_NAME[vocabulary];
  return [
    `urn:epcglobal:cbv:${vocabulary}:`,
    `https://ref.gs1.org/cbv/${web}-`,
    `https://gs1.org/voc/${web}-`,
    `cbv:${web}-`,
    `gs1:${web}-`,
  ];
}

/**
 * The CBV word a value names when it is written in one of CBV's own forms (`shipping`,
 * `urn:epcglobal:cbv:bizstep:shipping`, `https://ref.gs1.org/cbv/BizStep-shipping`,
 * `cbv:BizStep-shipping`), else undefined (a company's own URI, or not a URI at all).
 * The word is returned as written: whether CBV defines it is for the caller to ask.
 */
export function cbvWordOf(value: string, vocabulary: CbvVocabulary): string | undefined {
  for (const prefix of cbvPrefixes(vocabulary)) {
    if (value.startsWith(prefix)) return value.slice(prefix.length);
  }
  return undefined;
}

/**
 * CBV 1.x URNs and CBV 2.0 web URIs (ref.gs1.org/cbv, gs1.org/voc) → the bare word EPCIS 2.0
 * JSON uses; other values, CURIEs included (their prefix is the document's to define), as they are.
 */
export function cbvBareWord(value: string, vocabulary: CbvVocabulary): string {
  for (const prefix of cbvPrefixes(vocabulary).slice(0, 3)) {
    if (value.startsWith(prefix)) return value.slice(prefix.length);
  }
  return value;
}

/** An absolute URI (RFC 3986 scheme + ":" + something), e.g. a company's own bizStep URI. */
export function isAbsoluteUri(value: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(value);
}
