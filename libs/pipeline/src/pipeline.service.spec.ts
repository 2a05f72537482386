/* eslint-disable @typescript-eslint/require-await -- in-memory stand-ins of asynchronous ports answer at once */
import { contentHash } from '@txng/national-model';
import { InMemoryPipelineStore } from '../../../test/support/in-memory-pipeline-store';
import { type PrefixRegistryPort } from './pipeline-store.port';
import { PipelineService } from './pipeline.service';
import { type Candidate, type PrefixVerdict, type Provenance } from './pipeline.types';

// The pipeline's rules through PipelineService, on the in-memory store of its port: what each
// arrival becomes, what is written for it, and what a second run or a replay changes.

const OWNER = '0301234567';
const OTHER = '0309876543';
const GTIN = 'gtin:08935049500018';
const DIGITS = '893504950001';

const provenance = (receiptId: string, over: Partial<Provenance> = {}): Provenance => ({
  receiptId,
  sourceKey: 'src-92',
  sourceProvinceCode: '92',
  mappingVersion: 1,
  webhookId: `wh-${receiptId}`,
  pollPage: null,
  ...over,
});

function product(index: number, fields: Record<string, unknown>, over: Partial<Candidate> = {}): Candidate {
  const data = { gtin: GTIN.slice(5), name: 'Gạo ST25', ownerTaxCode: OWNER, ...fields };
  return {
    index,
    kind: 'product',
    key: GTIN,
    data,
    contentHash: contentHash(data),
    findings: [],
    claimant: typeof data.ownerTaxCode === 'string' ? data.ownerTaxCode : 'source:src-92',
    eventId: null,
    provinceCode: '92',
    quarantined: false,
    prefixDigits: null,
    serials: null,
    ...over,
  };
}

const invalid = (index: number, name: string): Candidate =>
  product(
    index,
    { name, netContent: -5 },
    {
      quarantined: true,
      findings: [{ code: 'VALUE_OUT_OF_RANGE', message: 'netContent must be positive', path: '/netContent' }],
    },
  );

/** A registry that answers from a table, or is unreachable while `down` is set. */
class TableRegistry implements PrefixRegistryPort {
  down: string | null = null;
  asked = 0;
  constructor(private readonly table: Record<string, PrefixVerdict>) {}
  async verdicts(items: ReadonlyArray<{ digits: string }>): Promise<Map<string, PrefixVerdict>> {
    this.asked += 1;
    return new Map(
      items.map((i) => [
        i.digits,
        this.down !== null
          ? { status: 'unreachable' as const, reason: this.down }
          : (this.table[i.digits] ?? { status: 'not-registered' as const }),
      ]),
    );
  }
}

describe('PipelineService on the in-memory store', () => {
  let store: InMemoryPipelineStore;
  let pipeline: PipelineService;

  beforeEach(() => {
    store = new InMemoryPipelineStore();
    pipeline = new PipelineService(store);
  });

  it('accepts a new record as version 1, ready, and the same content again as a duplicate of it', async () => {
    const first = await pipeline.apply(provenance('r1'), [product(0, {})]);
    expect(first.counts).toMatchObject({ new: 1, duplicate: 0 });
    const [v1] = store.versionsOf('product', GTIN);
    expect(v1).toMatchObject({ version: 1, status: 'ready', receiptId: 'r1', sourceKey: 'src-92' });
    expect(store.history(v1.id).map((h) => h.status)).toEqual(['received', 'ready']);

    const again = await pipeline.apply(provenance('r2'), [product(0, {})]);
    expect(again.counts).toMatchObject({ new: 0, duplicate: 1 });
    expect(store.versionsOf('product', GTIN)).toHaveLength(1);
    expect(store.links('r2')).toEqual([
      expect.objectContaining({ outcome: 'duplicate', recordVersionId: v1.id }),
    ]);
    expect(store.record('product', GTIN)).toMatchObject({
      latestVersion: 1,
      latestVersionId: v1.id,
      status: 'ready',
    });
  });

  it('makes new content from the same claimant the next version, and moves the record to it', async () => {
    await pipeline.apply(provenance('r1'), [product(0, {})]);
    const result = await pipeline.apply(provenance('r2'), [product(0, { name: 'Gạo ST25 túi 5 kg' })]);
    expect(result.counts).toMatchObject({ version: 1 });
    const versions = store.versionsOf('product', GTIN);
    expect(versions.map((v) => [v.version, v.status])).toEqual([
      [1, 'ready'],
      [2, 'ready'],
    ]);
    expect(store.record('product', GTIN)).toMatchObject({
      latestVersion: 2,
      latestVersionId: versions[1].id,
    });
  });

  it('judges the records of one receipt in order: new, duplicate, version', async () => {
    const result = await pipeline.apply(provenance('r1'), [
      product(0, {}),
      product(1, {}),
      product(2, { name: 'Gạo ST25 mới' }),
    ]);
    expect(store.links('r1').map((l) => l.outcome)).toEqual(['new', 'duplicate', 'version']);
    expect(result.counts).toMatchObject({ new: 1, duplicate: 1, version: 1 });
  });

  it('quarantines an invalid record with its findings, and keeps one quarantined arrival for the same content', async () => {
    const result = await pipeline.apply(provenance('r1'), [invalid(0, 'Gạo')]);
    expect(result.counts).toMatchObject({ quarantined: 1, new: 0 });
    const [q] = store.versionsOf('product', GTIN);
    expect(q).toMatchObject({ version: null, status: 'quarantined' });
    expect(q.findings.map((f) => f.code)).toEqual(['VALUE_OUT_OF_RANGE']);
    // A quarantined arrival never becomes the record's version.
    expect(store.record('product', GTIN)).toBeUndefined();

    await pipeline.apply(provenance('r2'), [invalid(0, 'Gạo')]);
    expect(store.versionsOf('product', GTIN)).toHaveLength(1);
    expect(store.links('r2')).toEqual([
      expect.objectContaining({ outcome: 'quarantined', recordVersionId: q.id }),
    ]);
    expect(store.history(q.id).at(-1)?.reason).toMatch(/kept as this one quarantined record/);
  });

  it("holds another claimant's record in a KEY_CLAIMED conflict: no version, the record unchanged", async () => {
    await pipeline.apply(provenance('r1'), [product(0, {})]);
    const [v1] = store.versionsOf('product', GTIN);
    const result = await pipeline.apply(provenance('r2'), [product(0, { ownerTaxCode: OTHER })]);
    expect(result.counts).toMatchObject({ conflict: 1 });
    const incoming = store.versionsOf('product', GTIN)[1];
    expect(incoming).toMatchObject({ version: null, status: 'conflict', claimant: OTHER });
    expect(store.conflicts()).toEqual([
      expect.objectContaining({
        code: 'KEY_CLAIMED',
        existingVersionId: v1.id,
        incomingVersionId: incoming.id,
      }),
    ]);
    expect(store.record('product', GTIN)).toMatchObject({
      latestVersion: 1,
      claimant: OWNER,
      status: 'ready',
    });

    // The same claim again is a duplicate of the held conflict, not a second conflict.
    const again = await pipeline.apply(provenance('r3'), [product(0, { ownerTaxCode: OTHER })]);
    expect(again.counts).toMatchObject({ duplicate: 1, conflict: 0 });
    expect(store.links('r3')[0].recordVersionId).toBe(incoming.id);
    expect(store.conflicts()).toHaveLength(1);
  });

  it("raises GTIN_PREFIX_OWNER when the prefix registry names another owner, and marks the new record's row in conflict", async () => {
    const registry = new TableRegistry({
      [DIGITS]: { status: 'registered', prefix: '8935049', ownerTaxCode: OTHER, registryStatus: 'active' },
    });
    pipeline = new PipelineService(store, undefined, registry);
    const result = await pipeline.apply(provenance('r1'), [product(0, {}, { prefixDigits: DIGITS })]);
    expect(result.counts).toMatchObject({ conflict: 1, new: 0 });
    const [incoming] = store.versionsOf('product', GTIN);
    expect(incoming.findings[0]).toMatchObject({ code: 'GTIN_PREFIX_OWNER', path: '/ownerTaxCode' });
    expect(incoming.findings[0].message).toContain(OTHER);
    expect(store.conflicts()).toEqual([
      expect.objectContaining({
        code: 'GTIN_PREFIX_OWNER',
        existingVersionId: null,
        incomingVersionId: incoming.id,
      }),
    ]);
    expect(store.record('product', GTIN)).toMatchObject({ latestVersion: 0, status: 'conflict' });
  });

  it('accepts a product whose prefix the registry gives to the same owner', async () => {
    const registry = new TableRegistry({
      [DIGITS]: { status: 'registered', prefix: '8935049', ownerTaxCode: OWNER, registryStatus: 'active' },
    });
    pipeline = new PipelineService(store, undefined, registry);
    const result = await pipeline.apply(provenance('r1'), [product(0, {}, { prefixDigits: DIGITS })]);
    expect(result.counts).toMatchObject({ new: 1, conflict: 0 });
  });

  it('holds a product back while the registry cannot be asked (and the later arrivals of its key), then judges them in order', async () => {
    const registry = new TableRegistry({});
    registry.down = 'breaker open';
    pipeline = new PipelineService(store, undefined, registry);
    const items = [
      product(0, {}, { prefixDigits: DIGITS }),
      product(1, { name: 'v2' }, { prefixDigits: DIGITS }),
    ];
    const heldBack = await pipeline.apply(provenance('r1'), items);
    expect(heldBack).toMatchObject({ held: 2 });
    expect(heldBack.heldReason).toContain('breaker open');
    expect(store.links('r1')).toEqual([]);
    expect(store.heldItems().map((h) => h.index)).toEqual([0, 1]);

    registry.down = null;
    const judged = await pipeline.apply(provenance('r1'), items);
    expect(judged).toMatchObject({ held: 0, counts: expect.objectContaining({ new: 1, version: 1 }) });
    expect(store.links('r1').map((l) => l.outcome)).toEqual(['new', 'version']);
    expect(store.heldItems()).toEqual([]);
  });

  it('judges nothing twice: a receipt run again changes nothing and counts nothing', async () => {
    const items = [product(0, {}), invalid(1, 'x')];
    await pipeline.apply(provenance('r1'), items);
    const before = store.versionsOf('product', GTIN).length;
    const rerun = await pipeline.apply(provenance('r1'), items);
    expect(rerun.counts).toEqual({ new: 0, version: 0, duplicate: 0, quarantined: 0, conflict: 0 });
    expect(store.versionsOf('product', GTIN)).toHaveLength(before);
    // The receipt's counts are read back from its links, so a rerun agrees with the first run.
    expect(await pipeline.finish('r1', { status: 'processed', recordCount: 2, error: null })).toEqual({
      new: 1,
      version: 0,
      duplicate: 0,
      quarantined: 1,
      conflict: 0,
    });
  });

  it('cuts a big receipt into batches, each seeing what the one before wrote', async () => {
    pipeline = new PipelineService(store, 2);
    const items = [0, 1, 2, 3, 4].map((i) => product(i, i % 2 === 0 ? {} : { name: `v${i}` }));
    const result = await pipeline.apply(provenance('r1'), items);
    expect(store.links('r1').map((l) => l.outcome)).toEqual([
      'new',
      'version',
      'version',
      'version',
      'version',
    ]);
    expect(result.counts).toMatchObject({ new: 1, version: 4 });
  });

  it('replays a quarantined arrival with the current reading: the item becomes new, its old version replayed', async () => {
    await pipeline.apply(provenance('r1'), [invalid(0, 'Gạo')]);
    const [quarantined] = store.versionsOf('product', GTIN);
    const run = { runId: 'run-1', status: 'quarantined' as const };
    const result = await pipeline.apply(provenance('r1', { replayRunId: 'run-1' }), [product(0, {})], {
      replay: run,
    });
    expect(result.counts).toMatchObject({ new: 1, quarantined: 0 });
    expect(store.version(quarantined.id)?.status).toBe('replayed');
    expect(store.history(quarantined.id).at(-1)?.reason).toMatch(
      /replayed in run run-1: item 0 of receipt r1 is now new/,
    );
    expect(store.links('r1')).toEqual([
      expect.objectContaining({ index: 0, outcome: 'new', replayRun: 'run-1' }),
    ]);
    expect(store.record('product', GTIN)).toMatchObject({ latestVersion: 1, status: 'ready' });

    // The same run met again (its job ran twice) leaves what it re-judged alone.
    const twice = await pipeline.apply(provenance('r1', { replayRunId: 'run-1' }), [product(0, {})], {
      replay: run,
    });
    expect(twice.counts).toEqual({ new: 0, version: 0, duplicate: 0, quarantined: 0, conflict: 0 });
  });

  it('leaves a quarantined arrival as it was when the current mapping makes no record at its index', async () => {
    await pipeline.apply(provenance('r1'), [product(0, {}), invalid(1, 'Gạo')]);
    const quarantined = store.versionsOf('product', GTIN).find((v) => v.status === 'quarantined')!;
    await pipeline.apply(provenance('r1', { replayRunId: 'run-2' }), [product(0, {})], {
      replay: { runId: 'run-2', status: 'quarantined' },
    });
    expect(store.version(quarantined.id)?.status).toBe('quarantined');
    expect(store.history(quarantined.id).at(-1)?.reason).toMatch(/no record at this index; left as it was/);
    expect(store.links('r1').map((l) => l.outcome)).toEqual(['new', 'quarantined']);
  });

  it('replays whole receipts (`all`): changed content is the next version, the same content a duplicate, and an overtaken version is left alone', async () => {
    await pipeline.apply(provenance('r1'), [product(0, {})]);
    const all = (runId: string) => ({ replay: { runId, status: 'all' as const } });
    // The same content under the new mapping: a duplicate of the version the item made, and no version.
    const same = await pipeline.apply(
      provenance('r1', { replayRunId: 'run-a' }),
      [product(0, {})],
      all('run-a'),
    );
    expect(same.counts).toMatchObject({ duplicate: 1, new: 0, version: 0 });
    expect(store.versionsOf('product', GTIN)).toHaveLength(1);
    const [v1] = store.versionsOf('product', GTIN);
    expect(store.version(v1.id)?.status).toBe('ready');
    expect(store.history(v1.id).at(-1)?.reason).toMatch(
      /replayed in run run-a: .* same content .*; unchanged/,
    );
    // Changed content: the key's next version; the old one keeps its status, its history says why.
    const changed = await pipeline.apply(
      provenance('r1', { replayRunId: 'run-b' }),
      [product(0, { name: 'Gạo ST25 (mới)' })],
      all('run-b'),
    );
    expect(changed.counts).toMatchObject({ version: 1 });
    expect(store.versionsOf('product', GTIN).map((v) => [v.version, v.status])).toEqual([
      [1, 'ready'],
      [2, 'ready'],
    ]);
    // A newer receipt changes the key: replaying the older one again brings nothing of it back.
    await pipeline.apply(provenance('r2'), [product(0, { name: 'Gạo ST25 vụ mới' })]);
    const overtaken = await pipeline.apply(
      provenance('r1', { replayRunId: 'run-c' }),
      [product(0, { name: 'Gạo ST25 (cũ)' })],
      all('run-c'),
    );
    expect(overtaken.counts).toEqual({ new: 0, version: 0, duplicate: 0, quarantined: 0, conflict: 0 });
    expect(store.record('product', GTIN)).toMatchObject({ latestVersion: 3 });
    const v2 = store.versionsOf('product', GTIN).find((v) => v.version === 2)!;
    expect(store.history(v2.id).at(-1)?.reason).toMatch(
      /a later version of this key has come since version 2; left as it was/,
    );
  });

  it('judges a run of receipts together in order, each seeing the ones before it, and finishes them', async () => {
    const counts = await pipeline.applyRun([
      { provenance: provenance('r1'), candidates: [product(0, {})] },
      { provenance: provenance('r2'), candidates: [product(0, {}), product(1, { name: 'v2' })] },
      { provenance: provenance('r3'), candidates: [invalid(0, 'x'), product(1, { name: 'v3' })] },
    ]);
    expect(counts).toEqual([
      { new: 1, version: 0, duplicate: 0, quarantined: 0, conflict: 0 },
      { new: 0, version: 1, duplicate: 1, quarantined: 0, conflict: 0 },
      { new: 0, version: 1, duplicate: 0, quarantined: 1, conflict: 0 },
    ]);
    const versions = store.versionsOf('product', GTIN);
    expect(versions.map((v) => [v.version, v.status, v.receiptId, v.webhookId])).toEqual([
      [1, 'ready', 'r1', 'wh-r1'],
      [2, 'ready', 'r2', 'wh-r2'],
      [null, 'quarantined', 'r3', 'wh-r3'],
      [3, 'ready', 'r3', 'wh-r3'],
    ]);
    expect(store.history(versions[1].id)[0].reason).toBe('received in receipt r2 from source src-92');
    expect(store.links('r2').map((l) => [l.outcome, l.recordVersionId])).toEqual([
      ['duplicate', versions[0].id],
      ['version', versions[1].id],
    ]);
    expect(store.record('product', GTIN)).toMatchObject({
      latestVersion: 3,
      latestVersionId: versions[3].id,
    });
    expect(store.receipt('r2')).toMatchObject({ status: 'processed', recordCount: 2, error: null });
  });

  it('judges nothing twice in a run: a receipt judged before (by its own job) is only finished again', async () => {
    await pipeline.apply(provenance('r1'), [product(0, {})]);
    const counts = await pipeline.applyRun([
      { provenance: provenance('r1'), candidates: [product(0, {})] },
      { provenance: provenance('r2'), candidates: [product(0, { name: 'v2' })] },
    ]);
    expect(counts?.map((c) => [c.new, c.version, c.duplicate])).toEqual([
      [1, 0, 0],
      [0, 1, 0],
    ]);
    expect(store.versionsOf('product', GTIN).map((v) => v.version)).toEqual([1, 2]);
    expect(store.links('r1')).toHaveLength(1);
  });

  it('leaves a run to be judged one by one (nothing written) when the registry cannot be asked or it is too big', async () => {
    const registry = new TableRegistry({});
    registry.down = 'breaker open';
    pipeline = new PipelineService(store, 2, registry);
    const run = [
      { provenance: provenance('r1'), candidates: [product(0, {})] },
      { provenance: provenance('r2'), candidates: [product(0, { name: 'v2' }, { prefixDigits: DIGITS })] },
    ];
    expect(await pipeline.applyRun(run)).toBeNull();
    expect(store.versionsOf('product', GTIN)).toEqual([]);
    expect(store.receipt('r1')).toBeUndefined();
    registry.down = null;
    expect(
      await pipeline.applyRun([
        ...run,
        { provenance: provenance('r3'), candidates: [product(0, { name: 'v3' })] },
      ]),
    ).toBeNull();
    expect(await pipeline.applyRun(run)).not.toBeNull();
    expect(store.versionsOf('product', GTIN).map((v) => v.version)).toEqual([1, 2]);
  });

  it('writes nothing of a batch that fails: the transaction is undone as a whole', async () => {
    await pipeline.apply(provenance('r1'), [product(0, {})]);
    const failing = new PipelineService({
      transaction: (fn) =>
        store.transaction(async (tx) => {
          const out = await fn(tx);
          throw new Error(`the database went away after ${out ? 'writing' : 'nothing'}`);
        }),
      finishReceipt: (id, r) => store.finishReceipt(id, r),
    });
    await expect(failing.apply(provenance('r2'), [product(0, { name: 'v2' })])).rejects.toThrow(/went away/);
    expect(store.versionsOf('product', GTIN)).toHaveLength(1);
    expect(store.links('r2')).toEqual([]);
    expect(store.record('product', GTIN)).toMatchObject({ latestVersion: 1 });
  });
});
