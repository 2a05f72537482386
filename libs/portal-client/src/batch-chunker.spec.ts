import { batchIdempotencyKey, chunkBatch } from './batch-chunker';
import { type PortalRecord } from './portal-api.types';
import { BatchTooLargeError } from './portal-client.errors';

const org = (n: number, pad = 0): PortalRecord => ({
  kind: 'organization',
  key: `org:03${String(n).padStart(8, '0')}`,
  version: 1,
  data: { taxCode: `03${String(n).padStart(8, '0')}`, name: 'x'.repeat(pad), provinceCode: '92' },
});

describe('chunkBatch', () => {
  it('splits at the record limit, in order', () => {
    const records = Array.from({ length: 1001 }, (_, i) => org(i));
    const chunks = chunkBatch('92', records, 500, 5 * 1024 * 1024);
    expect(chunks.map((c) => c.records.length)).toEqual([500, 500, 1]);
    expect(chunks.flatMap((c) => c.records)).toEqual(records);
    expect(JSON.parse(chunks[2].body)).toEqual({ provinceCode: '92', records: [records[1000]] });
  });

  it('splits at the byte limit, measuring the serialized JSON (UTF-8 bytes, not characters)', () => {
    const records = Array.from({ length: 10 }, (_, i) => ({
      ...org(i),
      data: { name: 'Cần Thơ'.repeat(20) },
    }));
    const max = 1200;
    const chunks = chunkBatch('92', records, 500, max);
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) expect(Buffer.byteLength(c.body)).toBeLessThanOrEqual(max);
    expect(chunks.flatMap((c) => c.records)).toEqual(records);
  });

  it('refuses a single record larger than a batch may be', () => {
    expect(() => chunkBatch('92', [org(1, 3000)], 500, 1000)).toThrow(BatchTooLargeError);
  });

  it('derives the same contract-conforming key from the same content, whatever the property order', () => {
    const a = org(1);
    const reordered: PortalRecord = { data: a.data, version: 1, key: a.key, kind: 'organization' };
    const key = batchIdempotencyKey('92', [a]);
    expect(key).toMatch(/^[A-Za-z0-9._:-]{1,128}$/);
    expect(batchIdempotencyKey('92', [reordered])).toBe(key);
    expect(batchIdempotencyKey('79', [a])).not.toBe(key);
    expect(batchIdempotencyKey('92', [{ ...a, version: 2 }])).not.toBe(key);
  });
});
