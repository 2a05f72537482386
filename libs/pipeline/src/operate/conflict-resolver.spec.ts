import { contentHash } from '@txng/national-model';
import { InMemoryPipelineStore } from '../../../../test/support/in-memory-pipeline-store';
import { PipelineService } from '../pipeline.service';
import { type Candidate, type Provenance } from '../pipeline.types';
import { ConflictResolver } from './conflict-resolver';
import { ConflictAlreadyResolvedError, InvalidStateError, NotFoundError } from './operation-errors';

// An operator's decision on a conflict the pipeline raised, on the in-memory store: what each
// decision does to the versions and the record, and the domain errors the gateway maps to 404/409.

const OWNER = '0301234567';
const OTHER = '0309876543';
const GTIN = 'gtin:08935049500018';

const provenance = (receiptId: string): Provenance => ({
  receiptId,
  sourceKey: 'src-92',
  sourceProvinceCode: '92',
  mappingVersion: 1,
  webhookId: null,
  pollPage: null,
});

function product(ownerTaxCode: string, name = 'Gạo ST25'): Candidate {
  const data = { gtin: GTIN.slice(5), name, ownerTaxCode };
  return {
    index: 0,
    kind: 'product',
    key: GTIN,
    data,
    contentHash: contentHash(data),
    findings: [],
    claimant: ownerTaxCode,
    eventId: null,
    provinceCode: '92',
    quarantined: false,
    prefixDigits: null,
    serials: null,
  };
}

describe('ConflictResolver on the in-memory store', () => {
  let store: InMemoryPipelineStore;
  let pipeline: PipelineService;
  let resolver: ConflictResolver;

  /** OWNER's version 1, then OTHER's claim held in KEY_CLAIMED: answers the conflict's id. */
  async function keyClaimed(): Promise<string> {
    await pipeline.apply(provenance('r1'), [product(OWNER)]);
    await pipeline.apply(provenance('r2'), [product(OTHER)]);
    const [conflict] = store.conflicts();
    return conflict.id;
  }

  beforeEach(() => {
    store = new InMemoryPipelineStore();
    pipeline = new PipelineService(store);
    resolver = new ConflictResolver(store.conflictStore);
  });

  it('accept-incoming: the held claim becomes version 2 and the record moves to its claimant, audited', async () => {
    const id = await keyClaimed();
    const view = await resolver.resolve({
      id,
      decision: 'accept-incoming',
      note: 'GS1 confirmed',
      actor: 'token:ops',
    });
    const [, incoming] = store.versionsOf('product', GTIN);
    expect(view).toMatchObject({ status: 'resolved', decision: 'accept-incoming', resolvedBy: 'token:ops' });
    expect(store.version(incoming.id)).toMatchObject({ version: 2, status: 'ready', findings: [] });
    expect(store.record('product', GTIN)).toMatchObject({
      latestVersion: 2,
      latestVersionId: incoming.id,
      claimant: OTHER,
    });
    expect(store.auditEntries()).toEqual([
      expect.objectContaining({
        action: 'conflict.resolve',
        target: id,
        details: expect.objectContaining({ decision: 'accept-incoming', version: 2, versionId: incoming.id }),
      }),
    ]);
    // The claim is the record's now: OWNER's next content is the one held.
    const after = await pipeline.apply(provenance('r3'), [product(OWNER, 'Gạo ST25 mới')]);
    expect(after.counts).toMatchObject({ conflict: 1 });
  });

  it('keep-existing: the claim is rejected in conflict, never numbered, and the record stays', async () => {
    const id = await keyClaimed();
    await resolver.resolve({ id, decision: 'keep-existing', note: 'not theirs', actor: 'token:ops' });
    const [v1, incoming] = store.versionsOf('product', GTIN);
    expect(store.version(incoming.id)).toMatchObject({ version: null, status: 'rejected' });
    expect(store.version(incoming.id)?.findings).toEqual([
      expect.objectContaining({
        code: 'KEY_CLAIMED',
        message: expect.stringContaining('kept the existing record'),
      }),
    ]);
    expect(store.record('product', GTIN)).toMatchObject({
      latestVersion: 1,
      latestVersionId: v1.id,
      claimant: OWNER,
    });
  });

  it('reject-both: the ready existing side is rejected too, and the record with it', async () => {
    const id = await keyClaimed();
    await resolver.resolve({ id, decision: 'reject-both', note: 'both wrong', actor: 'token:ops' });
    expect(store.versionsOf('product', GTIN).map((v) => v.status)).toEqual(['rejected', 'rejected']);
    expect(store.record('product', GTIN)?.status).toBe('rejected');
  });

  it('refuses a second resolution, and names an unknown conflict, in domain errors', async () => {
    const id = await keyClaimed();
    await resolver.resolve({ id, decision: 'keep-existing', note: 'one', actor: 'token:ops' });
    const again = resolver.resolve({ id, decision: 'accept-incoming', note: 'two', actor: 'token:ops' });
    await expect(again).rejects.toBeInstanceOf(ConflictAlreadyResolvedError);
    await expect(again).rejects.toBeInstanceOf(InvalidStateError);
    await expect(again).rejects.toThrow(`Conflict ${id} is already resolved.`);
    // The refused resolution changed nothing.
    expect(store.record('product', GTIN)).toMatchObject({ latestVersion: 1, claimant: OWNER });
    expect(store.auditEntries()).toHaveLength(1);
    await expect(
      resolver.resolve({ id: 'conflict-404', decision: 'keep-existing', note: 'x', actor: 'token:ops' }),
    ).rejects.toEqual(new NotFoundError('Conflict conflict-404'));
  });
});
