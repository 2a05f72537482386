import { type SyncCandidate } from '@txng/persistence';
import { chunkBatch } from '@txng/portal-client';
import { packClaim } from './sync-batch-packing';

const candidate = (id: number, data: unknown, held = 0): SyncCandidate => ({
  id: String(id),
  kind: 'product',
  key: `0893000000${String(id).padStart(4, '0')}`,
  version: 1,
  contentHash: `h${id}`,
  data,
  heldPortalVersion: held,
});

describe('packClaim', () => {
  it('numbers each version one past what the portal holds and keys the batch as the chunker does', () => {
    const packed = packClaim('92', [candidate(1, { a: 1 }), candidate(2, { b: 2 }, 4)], 500, 1_000_000);
    expect(packed.items.map((i) => i.portalVersion)).toEqual([1, 5]);
    expect(packed.records.map((r) => r.version)).toEqual([1, 5]);
    const [chunk] = chunkBatch('92', packed.records, 500, 1_000_000);
    expect(packed.idempotencyKey).toBe(chunk.idempotencyKey);
    expect(packed.tooLarge).toEqual([]);
  });

  it('fails on the spot a version no batch can carry and goes on with the next', () => {
    const packed = packClaim(
      '92',
      [candidate(1, { big: 'x'.repeat(2000) }), candidate(2, { ok: 1 })],
      500,
      1000,
    );
    expect(packed.tooLarge).toHaveLength(1);
    expect(packed.tooLarge[0]).toMatchObject({
      id: '1',
      status: 'failed',
      error: { code: 'BATCH_TOO_LARGE' },
    });
    expect(packed.items.map((i) => i.id)).toEqual(['2']);
  });

  it('stops at the byte limit, leaving the rest for the next claim, as the chunker splits', () => {
    const candidates = Array.from({ length: 10 }, (_, i) => candidate(i + 1, { pad: 'y'.repeat(100) }));
    const packed = packClaim('92', candidates, 500, 600);
    const chunks = chunkBatch('92', packed.records.concat(), 500, 600);
    expect(chunks).toHaveLength(1);
    expect(packed.items.length).toBeGreaterThan(0);
    expect(packed.items.length).toBeLessThan(10);
    expect(Buffer.byteLength(chunks[0].body)).toBeLessThanOrEqual(600);
    // The next candidate would not have fit.
    const next = candidates
      .slice(0, packed.items.length + 1)
      .map((c) => ({ kind: c.kind, key: c.key, version: 1, data: c.data }));
    const withNext = chunkBatch('92', next, 500, 600);
    expect(withNext).toHaveLength(2);
  });
});
