// Public API of @txng/national-model: pure functions, no I/O.
export * from './records/record.types';
export * from './records/record-keys';
export * from './records/epcis-fields';
export * from './records/envelope.schema';
export * from './gs1/check-digit';
export * from './gs1/gtin';
export * from './gs1/gs1-keys';
export * from './gs1/cset82';
export * from './carriers/ai-table';
export * from './carriers/gs1-date';
export * from './carriers/carrier-data';
export * from './carriers/element-string';
export * from './carriers/digital-link';
export * from './carriers/epc-urn';
export * from './xml/xml-tree';
export * from './text/vietnamese-text';
export * from './text/decimal-text';
export * from './tax/tax-code';
export * from './text/provinces';
export * from './units/units';
export * from './validation/finding';
export * from './validation/cbv-vocabulary';
export { validateRecord, validateEnvelope } from './validation/record.validator';
export * from './normalize/record-normalizer';
export * from './hashing/canonical-json';
export * from './hashing/content-hash';
export * from './hashing/summary-digest';
export {
  computeEventHash,
  eventHashId,
  eventHashesFromJsonDocument,
  eventHashesFromXmlDocument,
  eventsOfJsonDocument,
  type EventHashResult,
} from './event-hash/event-hash';
