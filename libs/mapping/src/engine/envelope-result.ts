import { ENVELOPE_FIELDS, type Envelope, envelopeSchemaErrors } from '@txng/national-model';
import { MappingEvaluationError } from '../errors/mapping.errors';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A plain JSON copy of a JSONata result: sequences become arrays, undefined and functions are dropped. */
export function toPlainJson(value: unknown): unknown {
  if (Array.isArray(value))
    return value.filter((v) => v !== undefined && typeof v !== 'function').map(toPlainJson);
  if (isObj(value)) {
    const out: Obj = {};
    for (const [k, v] of Object.entries(value))
      if (v !== undefined && typeof v !== 'function') out[k] = toPlainJson(v);
    return out;
  }
  return value;
}

const LIST_FIELDS = new Set<string>(ENVELOPE_FIELDS.map(([field]) => field));

/** Record fields that hold lists, per envelope member: a lone value there becomes a one-item list. */
const RECORD_LIST_FIELDS: Readonly<Record<string, readonly string[]>> = {
  organizations: ['gs1CompanyPrefixes'],
  products: ['imageUrls', 'standards'],
  events: [
    'epcList',
    'childEPCs',
    'inputEPCList',
    'outputEPCList',
    'quantityList',
    'childQuantityList',
    'inputQuantityList',
    'outputQuantityList',
    'bizTransactionList',
    'sourceList',
    'destinationList',
    'sensorElementList',
  ],
};

function listify(member: string, record: unknown): unknown {
  if (!isObj(record)) return record;
  const fields = RECORD_LIST_FIELDS[member] ?? [];
  const out = { ...record };
  for (const f of fields) if (out[f] !== undefined && !Array.isArray(out[f])) out[f] = [out[f]];
  return out;
}

function looksLikeEnvelope(v: unknown): v is Obj {
  return isObj(v) && Object.keys(v).every((k) => LIST_FIELDS.has(k));
}

/**
 * JSONata results → one envelope. JSONata collapses a one-item sequence to the item and builds
 * nested arrays from nested constructors, so: a single record where a list belongs becomes a
 * one-item list (also inside records: `quantityList`, `epcList`, `standards`…), nested lists are flattened, and a sequence of envelopes (a mapping written as
 * `items.{…}`) is merged member by member. Anything still not an envelope is MAPPING_FAILED with
 * the schema errors as details.
 */
export function toEnvelope(result: unknown): Envelope {
  if (result === undefined) {
    throw new MappingEvaluationError(
      'the mapping returned nothing; check that its paths match the payload (names are case-sensitive), or return {} on purpose',
    );
  }
  const plain = toPlainJson(result);
  const parts = Array.isArray(plain) && plain.length > 0 && plain.every(looksLikeEnvelope) ? plain : [plain];
  const merged: Obj = {};
  for (const part of parts) {
    if (!isObj(part)) {
      merged.__notAnEnvelope = part;
      break;
    }
    for (const [k, v] of Object.entries(part)) {
      if (!LIST_FIELDS.has(k)) {
        merged[k] = v;
        continue;
      }
      const items = (Array.isArray(v) ? (v as unknown[]).flat(Infinity) : [v]).map((item) =>
        listify(k, item),
      );
      merged[k] = [...((merged[k] as unknown[] | undefined) ?? []), ...items];
    }
  }
  const candidate = '__notAnEnvelope' in merged ? merged.__notAnEnvelope : merged;
  const errors = envelopeSchemaErrors(candidate);
  if (errors.length > 0) {
    const shown = errors
      .slice(0, 5)
      .map((e) => `${e.path}: ${e.message}`)
      .join('; ');
    throw new MappingEvaluationError(
      `the mapping's result is not a national-model envelope {organizations, locations, products, lots, events}: ${shown}`,
      { details: errors },
    );
  }
  return candidate as Envelope;
}
