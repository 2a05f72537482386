import Ajv, { type ErrorObject, type JSONSchemaType } from 'ajv';
import { type SourceCallback, type SourceFormat, type SourceKind } from '@txng/persistence';
import { pollOutboundProblems } from './poll-outbound.rules';

export type PollAuthInput =
  | { type: 'none' }
  | { type: 'apiKey'; in: 'header' | 'query'; name: string; value: string }
  | { type: 'basic'; username: string; password: string }
  | { type: 'oauth2'; tokenUrl: string; clientId: string; clientSecret: string; scope?: string };

export type PaginationInput =
  | { type: 'page'; param: string; startAt?: number; sizeParam?: string; size?: number }
  | { type: 'cursor'; param: string; nextCursorPath: string }
  | { type: 'updatedSince'; param: string; recordTimePath: string };

export interface PollInput {
  url: string;
  intervalSeconds: number;
  itemsPath?: string;
  totalPath?: string;
  timeoutSeconds?: number;
  auth: PollAuthInput;
  pagination: PaginationInput;
}

export interface MappingInput {
  language: 'jsonata';
  expression: string;
}

/** The body of `POST /v1/admin/sources` (hub-interface.md, "Sources") and of config/sources/*.yaml. */
export interface SourceDefinition {
  key: string;
  provinceCode: string;
  name: string;
  kind: SourceKind;
  format: SourceFormat;
  mapping?: MappingInput;
  poll?: PollInput;
  maxBodyBytes?: number;
  rateLimitPerMinute?: number;
  rateLimitBytesPerMinute?: number;
  policy?: { requireProductImage?: boolean; requireNetContent?: boolean };
  /** Signed callbacks to the province (hub-interface.md, "v1 additions"); null in a change removes it. */
  callback?: SourceCallback | null;
  /** SOURCE_STALE is raised when an active source brings nothing for longer than this. */
  expectedIntervalMinutes?: number | null;
}

const nonEmpty = { type: 'string', minLength: 1, maxLength: 500 } as const;
const httpUrl = { type: 'string', pattern: '^https?://', maxLength: 2000 } as const;

const auth = {
  oneOf: [
    {
      type: 'object',
      required: ['type'],
      additionalProperties: false,
      properties: { type: { const: 'none' } },
    },
    {
      type: 'object',
      required: ['type', 'in', 'name', 'value'],
      additionalProperties: false,
      properties: {
        type: { const: 'apiKey' },
        in: { enum: ['header', 'query'] },
        name: nonEmpty,
        value: nonEmpty,
      },
    },
    {
      type: 'object',
      required: ['type', 'username', 'password'],
      additionalProperties: false,
      properties: { type: { const: 'basic' }, username: nonEmpty, password: nonEmpty },
    },
    {
      type: 'object',
      required: ['type', 'tokenUrl', 'clientId', 'clientSecret'],
      additionalProperties: false,
      properties: {
        type: { const: 'oauth2' },
        tokenUrl: httpUrl,
        clientId: nonEmpty,
        clientSecret: nonEmpty,
        scope: nonEmpty,
      },
    },
  ],
};

const pagination = {
  oneOf: [
    {
      type: 'object',
      required: ['type', 'param'],
      additionalProperties: false,
      properties: {
        type: { const: 'page' },
        param: nonEmpty,
        startAt: { type: 'integer', minimum: 0 },
        sizeParam: nonEmpty,
        size: { type: 'integer', minimum: 1, maximum: 10000 },
      },
    },
    {
      type: 'object',
      required: ['type', 'param', 'nextCursorPath'],
      additionalProperties: false,
      properties: { type: { const: 'cursor' }, param: nonEmpty, nextCursorPath: nonEmpty },
    },
    {
      type: 'object',
      required: ['type', 'param', 'recordTimePath'],
      additionalProperties: false,
      properties: { type: { const: 'updatedSince' }, param: nonEmpty, recordTimePath: nonEmpty },
    },
  ],
};

export const SOURCE_DEFINITION_SCHEMA = {
  type: 'object',
  required: ['key', 'provinceCode', 'name', 'kind', 'format'],
  additionalProperties: false,
  properties: {
    key: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{1,62}$' },
    provinceCode: { type: 'string', pattern: '^[0-9]{2}$' },
    name: { type: 'string', minLength: 1, maxLength: 300 },
    kind: { enum: ['webhook', 'poll'] },
    format: { enum: ['json', 'xml', 'csv', 'epcis-json', 'epcis-xml'] },
    mapping: {
      type: 'object',
      required: ['language', 'expression'],
      additionalProperties: false,
      properties: {
        language: { const: 'jsonata' },
        expression: { type: 'string', minLength: 1, maxLength: 200_000 },
      },
    },
    poll: {
      type: 'object',
      required: ['url', 'intervalSeconds', 'auth', 'pagination'],
      additionalProperties: false,
      properties: {
        url: httpUrl,
        intervalSeconds: { type: 'integer', minimum: 5, maximum: 86400 },
        itemsPath: { type: 'string', maxLength: 200 },
        // A dotted path to a number, like itemsPath: what a backfill shows its percent of.
        totalPath: { type: 'string', minLength: 1, maxLength: 200, pattern: '^[^.\\s]+(\\.[^.\\s]+)*$' },
        timeoutSeconds: { type: 'integer', minimum: 1, maximum: 300 },
        auth,
        pagination,
      },
    },
    maxBodyBytes: { type: 'integer', minimum: 1024, maximum: 64 * 1024 * 1024 },
    rateLimitPerMinute: { type: 'integer', minimum: 1, maximum: 100_000 },
    rateLimitBytesPerMinute: { type: 'integer', minimum: 1024, maximum: 2_147_483_647 },
    policy: {
      type: 'object',
      additionalProperties: false,
      properties: { requireProductImage: { type: 'boolean' }, requireNetContent: { type: 'boolean' } },
    },
    callback: {
      type: ['object', 'null'],
      required: ['url', 'events'],
      additionalProperties: false,
      properties: {
        url: httpUrl,
        events: {
          type: 'array',
          minItems: 1,
          uniqueItems: true,
          items: { enum: ['receipt.processed', 'receipt.synced', 'conflict.resolved'] },
        },
      },
    },
    expectedIntervalMinutes: { type: ['integer', 'null'], minimum: 1, maximum: 525_600 },
  },
} as const;

const ajv = new Ajv({ allErrors: true, strict: false });
const validateDefinition = ajv.compile(
  SOURCE_DEFINITION_SCHEMA as unknown as JSONSchemaType<SourceDefinition>,
);
const validatePatch = ajv.compile({
  ...SOURCE_DEFINITION_SCHEMA,
  required: [],
  properties: { ...SOURCE_DEFINITION_SCHEMA.properties },
});

export interface SchemaProblem {
  path: string;
  message: string;
}

function describe(errors: ErrorObject[] | null | undefined): SchemaProblem[] {
  // oneOf produces one error per branch; keep the most specific ones.
  const specific = (errors ?? []).filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'const');
  const list = specific.length > 0 ? specific : (errors ?? []);
  const seen = new Set<string>();
  return list
    .map((e) => ({
      path: e.instancePath || '/',
      message:
        e.keyword === 'additionalProperties'
          ? `unknown field "${String((e.params as { additionalProperty: string }).additionalProperty)}"`
          : (e.message ?? 'is invalid'),
    }))
    .filter((p) => (seen.has(p.path + p.message) ? false : (seen.add(p.path + p.message), true)));
}

/** Every problem of a definition: the schema's, then the poll rules (credentials, header names). */
export function checkSourceDefinition(value: unknown): SchemaProblem[] {
  if (!validateDefinition(value)) return describe(validateDefinition.errors);
  return pollOutboundProblems((value as { poll?: unknown }).poll);
}

export function checkSourcePatch(value: unknown): SchemaProblem[] {
  if (!validatePatch(value)) return describe(validatePatch.errors);
  return pollOutboundProblems((value as { poll?: unknown }).poll);
}
