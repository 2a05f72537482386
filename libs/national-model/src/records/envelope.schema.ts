import Ajv, { type ErrorObject } from 'ajv';

const arrayOfObjects = { type: 'array', items: { type: 'object' } } as const;

/**
 * Structure only: an object whose known members are arrays of objects. Field-level rules are
 * validation findings (validateEnvelope), so a bad GTIN quarantines one record instead of
 * refusing the whole envelope.
 */
export const ENVELOPE_SCHEMA = {
  $id: 'https://txng-hub/schemas/national-model-envelope.json',
  type: 'object',
  properties: {
    organizations: arrayOfObjects,
    locations: arrayOfObjects,
    products: arrayOfObjects,
    lots: arrayOfObjects,
    events: arrayOfObjects,
  },
  additionalProperties: false,
} as const;

const ajv = new Ajv({ allErrors: true, strict: true });
const validate = ajv.compile(ENVELOPE_SCHEMA);

export interface SchemaError {
  /** JSON Pointer of the offending value, e.g. `/products/3`. */
  path: string;
  message: string;
}

function describe(e: ErrorObject): SchemaError {
  if (e.keyword === 'additionalProperties') {
    const extra = String((e.params as { additionalProperty?: string }).additionalProperty);
    return {
      path: `${e.instancePath}/${extra}`,
      message: `unknown member "${extra}"; allowed: organizations, locations, products, lots, events`,
    };
  }
  return { path: e.instancePath || '/', message: e.message ?? e.keyword };
}

/** Schema errors of a mapping's output, empty when its shape is right. */
export function envelopeSchemaErrors(value: unknown): SchemaError[] {
  if (validate(value)) return [];
  return (validate.errors ?? []).map(describe);
}
