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

/** What offering a record to a batch came to. */
export type PackFit = 'added' | 'full' | 'too-large';

/**
 * Fills one batch record by record, counting the bytes of the JSON exactly as the body is written
 * (envelope, records, commas): the one measure of a batch, for the chunker here and for the sync's
 * claims. `too-large`: the record alone is over `maxBytes` and no batch can carry it; `full`: it
 * belongs in the next batch.
 */
export class BatchPacker {
  readonly records: PortalRecord[] = [];
  private readonly json: string[] = [];
  private readonly envelopeBytes: number;
  private bytes: number;

  constructor(
    readonly provinceCode: string,
    private readonly maxRecords: number,
    readonly maxBytes: number,
  ) {
    this.envelopeBytes = Buffer.byteLength(JSON.stringify({ provinceCode, records: [] }));
    this.bytes = this.envelopeBytes;
  }

  /** Adds the record when it fits; `size` is its JSON's length in bytes either way. */
  offer(record: PortalRecord): { fit: PackFit; size: number } {
    const json = JSON.stringify(record);
    const size = Buffer.byteLength(json);
    if (this.envelopeBytes + size > this.maxBytes) return { fit: 'too-large', size };
    const separator = this.records.length > 0 ? 1 : 0;
    if (this.records.length >= this.maxRecords || this.bytes + separator + size > this.maxBytes)
      return { fit: 'full', size };
    this.bytes += separator + size;
    this.records.push(record);
    this.json.push(json);
    return { fit: 'added', size };
  }

  get empty(): boolean {
    return this.records.length === 0;
  }

  /** The batch as sent; built from the pieces already measured, so the bytes sent are the bytes counted. */
  chunk(): BatchChunk {
    const body = `{"provinceCode":${JSON.stringify(this.provinceCode)},"records":[${this.json.join(',')}]}`;
    return {
      body,
      records: this.records,
      idempotencyKey: batchIdempotencyKey(this.provinceCode, this.records),
    };
  }
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
  const chunks: BatchChunk[] = [];
  let packer = new BatchPacker(provinceCode, maxRecords, maxBytes);
  records.forEach((record, i) => {
    let offered = packer.offer(record);
    if (offered.fit === 'full') {
      chunks.push(packer.chunk());
      packer = new BatchPacker(provinceCode, maxRecords, maxBytes);
      offered = packer.offer(record);
    }
    if (offered.fit === 'too-large') {
      throw new BatchTooLargeError(
        `record ${i} (${record.kind} ${record.key}) is ${offered.size} bytes of JSON; a batch holds at most ${maxBytes} bytes`,
      );
    }
  });
  if (!packer.empty) chunks.push(packer.chunk());
  return chunks;
}
