import { ENVELOPE_FIELDS, type RecordKind } from '../records/record.types';
import { validateEvent } from './event.validator';
import { FindingList, isObj } from './field-checks';
import { type Finding, type ValidationOptions, show } from './finding';
import {
  validateLocation,
  validateLot,
  validateOrganization,
  validateProduct,
} from './master-data.validator';

/**
 * Every finding for one record, in field order; empty when the record may be synced. Never
 * throws: a record is data from outside and a validator that crashes would drop it.
 */
export function validateRecord(
  kind: RecordKind,
  data: unknown,
  options: ValidationOptions = {},
  basePath = '',
): Finding[] {
  const f = new FindingList(basePath);
  if (!isObj(data)) {
    f.add('REQUIRED_FIELD', `a ${kind} record must be a JSON object, got ${show(data)}`);
    return f.items;
  }
  try {
    switch (kind) {
      case 'organization':
        validateOrganization(data, f);
        break;
      case 'location':
        validateLocation(data, f);
        break;
      case 'product':
        validateProduct(data, f, options);
        break;
      case 'lot':
        validateLot(data, f);
        break;
      case 'event':
        validateEvent(data, f, options);
        break;
      default:
        f.add('REQUIRED_FIELD', `unknown record kind ${show(kind)}`);
    }
  } catch (error) {
    // Defensive: a getter or proxy in the input must not take the pipeline down.
    f.add(
      'REQUIRED_FIELD',
      `the record could not be read: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return f.items;
}

/** Findings for every record of an envelope, with paths such as `/products/3/gtin`. */
export function validateEnvelope(envelope: unknown, options: ValidationOptions = {}): Finding[] {
  if (!isObj(envelope))
    return [
      {
        code: 'REQUIRED_FIELD',
        message: `the mapping must return an object {organizations, locations, products, lots, events}, got ${show(envelope)}`,
        path: '',
      },
    ];
  const findings: Finding[] = [];
  for (const [field, kind] of ENVELOPE_FIELDS) {
    const list = envelope[field];
    if (list === undefined) continue;
    if (!Array.isArray(list)) {
      findings.push({
        code: 'REQUIRED_FIELD',
        message: `${field} must be an array, got ${show(list)}`,
        path: `/${field}`,
      });
      continue;
    }
    list.forEach((item, i) => findings.push(...validateRecord(kind, item, options, `/${field}/${i}`)));
  }
  return findings;
}
