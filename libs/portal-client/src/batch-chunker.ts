import { canonicalJson } from '@txng/national-model';
import { createHash } from 'node:crypto';
import { type PortalRecord } from './portal-api.types';
import { BatchTooLargeError } from './portal-client.errors';

export interface BatchChunk {
  /** The exact JSON text sent. */
  body: string;
  idempotencyKey: string;
  records: PortalRecord[];
}

/**
 * The Idempotency-Key of a batch, derived from what it carries: the same records for the same
 * province always get the same key, so a retry after an unknown outcome (even from another
 * worker, after a restart) is answered from the portal's replay store instead of stored twice.
 * Canonical JSON makes the key independent of property order. 3 + 64 characters, within the
 * contract's 128 of [A-Za-z0-9._:-].
 */
export function batchIdempotencyKey(provinceCode: string, records: PortalRecord[]): string {
  return `b1-${createHash('sha256').update(canonicalJson({ provinceCode, records })).digest('hex')}`;
}

/**
 * Splits records into batches of at most `maxRecords` and `maxBytes` of serialized JSON, in
 * order. Deterministic: the same input always gives the same chunks, hence the same keys.
 */
export function chunkBatch(
  provinceCode: string,
  records: PortalRecord[],
  maxRecords: number,
  maxBytes: number,
): BatchChunk[] {
  const envelopeBytes = Buffer.byteLength(JSON.stringify({ provinceCode, records: [] }));
  const chunks: BatchChunk[] = [];
  let current: PortalRecord[] = [];
  let currentJson: string[] = [];
  let bytes = envelopeBytes;
  const flush = (): void => {
    if (current.length === 0) return;
    chunks.push(makeChunk(provinceCode, current, currentJson));
    current = [];
    currentJson = [];
    bytes = envelopeBytes;
  };
  records.forEach((record, i) => {
    const json = JSON.stringify(record);
    const size = Buffer.byteLength(json);
    if (envelopeBytes + size > maxBytes) {
      throw new BatchTooLargeError(
        `record ${i} (${record.kind} ${record.key}) is ${size} bytes of JSON; a batch holds at most ${maxBytes} bytes`,
      );
    }
    const separator = current.length > 0 ? 1 : 0;
    if (current.length >= maxRecords || bytes + separator + size > maxBytes) flush();
    bytes += (current.length > 0 ? 1 : 0) + size;
    current.push(record);
    currentJson.push(json);
  });
  flush();
  return chunks;
}

function makeChunk(provinceCode: string, records: PortalRecord[], json: string[]): BatchChunk {
  // Built from the pieces already measured, so the bytes sent are the bytes counted.
  const body = `{"provinceCode":${JSON.stringify(provinceCode)},"records":[${json.join(',')}]}`;
  return { body, records, idempotencyKey: batchIdempotencyKey(provinceCode, records) };
}
