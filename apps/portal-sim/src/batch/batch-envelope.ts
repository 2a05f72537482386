import { RECORD_KINDS, type RecordKind, recordKey } from '@txng/national-model';

/** The contract's limits (national-portal-api.md, "Push a batch"). */
export const MAX_BATCH_RECORDS = 500;
export const MAX_BATCH_BYTES = 5 * 1024 * 1024;
export const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{1,128}$/;

export interface BatchRecordIn {
  kind: RecordKind;
  key: string;
  version: number;
  data: Record<string, unknown>;
}

export interface BatchIn {
  provinceCode: string;
  records: BatchRecordIn[];
}

export interface EnvelopeDetail {
  path: string;
  message: string;
}

export type EnvelopeCheck =
  { ok: true; batch: BatchIn } | { ok: false; status: 400 | 413; details: EnvelopeDetail[] };

const ENVELOPE_FIELDS = new Set(['provinceCode', 'records']);
const RECORD_FIELDS = new Set(['kind', 'key', 'version', 'data']);

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks the batch envelope. Anything wrong here refuses the whole batch (400 invalid_batch), so
 * that a sloppy hub cannot get half a batch stored: unknown fields, a province code that is not
 * two digits, a kind outside the model, a version that is not a positive whole number, or a key
 * that is not the national-model key of its data.
 */
export function checkBatchEnvelope(body: unknown): EnvelopeCheck {
  const details: EnvelopeDetail[] = [];
  const add = (path: string, message: string): void => void details.push({ path, message });
  if (!isObj(body))
    return {
      ok: false,
      status: 400,
      details: [{ path: '', message: 'the body must be a JSON object {provinceCode, records}' }],
    };
  for (const field of Object.keys(body))
    if (!ENVELOPE_FIELDS.has(field)) add(`/${field}`, `unknown field "${field}"`);
  if (body.provinceCode === undefined) add('/provinceCode', 'provinceCode is required');
  else if (typeof body.provinceCode !== 'string' || !/^\d{2}$/.test(body.provinceCode)) {
    add('/provinceCode', 'provinceCode must be a two-digit string such as "92" (one province per batch)');
  }
  if (!Array.isArray(body.records)) {
    add('/records', 'records must be an array');
    return { ok: false, status: 400, details };
  }
  if (body.records.length > MAX_BATCH_RECORDS) {
    return {
      ok: false,
      status: 413,
      details: [
        {
          path: '/records',
          message: `${body.records.length} records; at most ${MAX_BATCH_RECORDS} per batch`,
        },
      ],
    };
  }
  if (body.records.length === 0) add('/records', 'records must hold at least one record');
  body.records.forEach((record: unknown, i) => checkRecord(record, `/records/${i}`, add));
  if (details.length > 0) return { ok: false, status: 400, details };
  return { ok: true, batch: body as unknown as BatchIn };
}

function checkRecord(record: unknown, at: string, add: (path: string, message: string) => void): void {
  if (!isObj(record)) return add(at, 'a record must be an object {kind, key, version, data}');
  for (const field of Object.keys(record))
    if (!RECORD_FIELDS.has(field)) add(`${at}/${field}`, `unknown field "${field}"`);
  const kindOk = typeof record.kind === 'string' && (RECORD_KINDS as readonly string[]).includes(record.kind);
  if (!kindOk)
    add(`${at}/kind`, `kind ${JSON.stringify(record.kind)} is not one of ${RECORD_KINDS.join(', ')}`);
  const keyOk = typeof record.key === 'string' && record.key.length > 0 && record.key.length <= 1024;
  if (!keyOk) add(`${at}/key`, 'key must be a non-empty string of at most 1024 characters');
  if (typeof record.version !== 'number' || !Number.isSafeInteger(record.version) || record.version < 1) {
    add(`${at}/version`, `version ${JSON.stringify(record.version)} must be a whole number >= 1`);
  }
  if (!isObj(record.data)) return add(`${at}/data`, 'data must be the national-model record (a JSON object)');
  if (!kindOk || !keyOk) return;
  let expected: string | undefined;
  try {
    expected = recordKey(record.kind as RecordKind, record.data);
  } catch {
    // Data too broken to build a key from is reported per record (INVALID_RECORD) instead.
    expected = undefined;
  }
  if (expected !== undefined && expected !== record.key) {
    add(`${at}/key`, `key "${String(record.key)}" is not the key of its data ("${expected}")`);
  }
}
