import { type EpcisEventType } from './record.types';

/** The five EPCIS 2.0 event types. */
export const EPCIS_EVENT_TYPES: readonly EpcisEventType[] = [
  'ObjectEvent',
  'AggregationEvent',
  'TransformationEvent',
  'TransactionEvent',
  'AssociationEvent',
];

export function isEpcisEventType(value: unknown): value is EpcisEventType {
  return typeof value === 'string' && (EPCIS_EVENT_TYPES as readonly string[]).includes(value);
}

/** Event fields that hold a list of EPCs (instance-level identifiers). */
export const EPC_LIST_FIELDS: ReadonlySet<string> = new Set([
  'epcList',
  'childEPCs',
  'inputEPCList',
  'outputEPCList',
]);

/** Event fields that hold a list of quantity elements (class-level identifiers with amounts). */
export const QUANTITY_LIST_FIELDS: ReadonlySet<string> = new Set([
  'quantityList',
  'childQuantityList',
  'inputQuantityList',
  'outputQuantityList',
]);
