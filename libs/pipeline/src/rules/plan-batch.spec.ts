import { type Candidate, type HeldRecord, type PrefixVerdict, type Provenance } from '../pipeline.types';
import { planBatch, quarantineRef, refOf } from './plan-batch';

const provenance: Provenance = {
  receiptId: 'r1',
  sourceKey: 'src',
  sourceProvinceCode: '92',
  mappingVersion: 1,
  webhookId: 'w1',
  pollPage: null,
};
const OWNER_A = '0301234567';
const KEY = 'gtin:08935049500018';

let n = 0;
function candidate(over: Partial<Candidate> = {}): Candidate {
  return {
    index: n++,
    kind: 'product',
    key: KEY,
    data: { ownerTaxCode: OWNER_A },
    contentHash: `h${n}`,
    findings: [],
    claimant: OWNER_A,
    eventId: null,
    provinceCode: '92',
    quarantined: false,
    prefixDigits: null,
    serials: null,
    ...over,
  };
}
const empty = (kind: HeldRecord['kind'] = 'product', key = KEY): HeldRecord => ({
  kind,
  key,
  latestVersion: 0,
  latestVersionId: null,
  latestContentHash: null,
  claimant: null,
  heldConflicts: new Map(),
});
const ids = (count: number) => Array.from({ length: count }, (_, i) => String(100 + i));

describe('planBatch', () => {
  beforeEach(() => {
    n = 0;
  });

  it('keeps a warning with the version it accepts', () => {
    const warning = {
      code: 'TAX_CODE_CHECK_DIGIT',
      message: 'w',
      path: '/ownerTaxCode',
      severity: 'warning' as const,
    };
    const held = new Map([[refOf('product', KEY), empty()]]);
    const plan = planBatch(
      provenance,
      [candidate({ findings: [warning] })],
      held,
      { eventIds: new Map() },
      ids(1),
    );
    expect(plan.versions.map((v) => [v.status, v.version, v.findings])).toEqual([['ready', 1, [warning]]]);
  });

  it('judges records of one key in receipt order, each seeing the one before (new, duplicate, version, conflict, duplicate of the conflict)', () => {
    const a = candidate({ contentHash: 'a' });
    const dup = candidate({ contentHash: 'a' });
    const b = candidate({ contentHash: 'b' });
    const claim = candidate({ contentHash: 'c', claimant: '0309876543' });
    const claimAgain = candidate({ contentHash: 'c', claimant: '0309876543' });
    const held = new Map([[refOf('product', KEY), empty()]]);
    const plan = planBatch(provenance, [a, dup, b, claim, claimAgain], held, { eventIds: new Map() }, ids(5));
    expect(plan.links.map((l) => [l.outcome, l.recordVersionId])).toEqual([
      ['new', '100'],
      ['duplicate', '100'],
      ['version', '101'],
      ['conflict', '102'],
      ['duplicate', '102'],
    ]);
    expect(plan.versions.map((v) => [v.status, v.version])).toEqual([
      ['ready', 1],
      ['ready', 2],
      ['conflict', null],
    ]);
    expect(plan.conflicts).toEqual([
      { code: 'KEY_CLAIMED', kind: 'product', key: KEY, existingVersionId: '101', incomingVersionId: '102' },
    ]);
    expect(plan.records).toEqual([
      expect.objectContaining({
        latestVersion: 2,
        latestVersionId: '101',
        claimant: OWNER_A,
        status: 'ready',
        versioned: true,
      }),
    ]);
  });

  it('stores the same invalid record once: a live quarantined arrival or an earlier one in the batch is reused', () => {
    const finding = { code: 'UOM_UNKNOWN', message: 'unit', path: '/netContent/uom' };
    const q1 = candidate({ quarantined: true, findings: [finding], contentHash: 'q' });
    const q2 = candidate({ quarantined: true, findings: [finding], contentHash: 'q' });
    const other = candidate({ quarantined: true, findings: [finding], contentHash: 'z' });
    const plan = planBatch(
      provenance,
      [q1, q2, other],
      new Map(),
      {
        eventIds: new Map(),
        quarantined: new Map([[quarantineRef('product', KEY, 'z'), { id: '55', findings: [finding] }]]),
      },
      ids(3),
    );
    expect(plan.links.map((l) => [l.outcome, l.recordVersionId])).toEqual([
      ['quarantined', '100'],
      ['quarantined', '100'],
      ['quarantined', '55'],
    ]);
    expect(plan.versions).toHaveLength(1);
    expect(plan.notes.map((x) => x.versionId)).toEqual(['100', '55']);
    expect(plan.records).toEqual([]);
  });

  it('holds a product back while the registry is unreachable, and every later record of its key with it', () => {
    const p1 = candidate({ contentHash: 'a', prefixDigits: '893504950001' });
    const p2 = candidate({ contentHash: 'b', prefixDigits: '893504950001' });
    const org = candidate({
      kind: 'organization',
      key: 'org:0301234567',
      claimant: 'source:src',
      contentHash: 'o',
    });
    const held = new Map([
      [refOf('product', KEY), empty()],
      [refOf('organization', 'org:0301234567'), empty('organization', 'org:0301234567')],
    ]);
    const prefixes = new Map<string, PrefixVerdict>([
      ['893504950001', { status: 'unreachable', reason: 'portal_unavailable' }],
    ]);
    const heldKeys = new Set<string>();
    const plan = planBatch(
      provenance,
      [p1, p2, org],
      held,
      { eventIds: new Map(), prefixes },
      ids(3),
      heldKeys,
    );
    expect(plan.held.map((h) => h.candidate.index)).toEqual([p1.index, p2.index]);
    expect(plan.links.map((l) => l.kind)).toEqual(['organization']);
    expect(heldKeys).toEqual(new Set([refOf('product', KEY)]));
    // A later batch of the same run: the key stays held even if the registry answers now.
    const p3 = candidate({ contentHash: 'c', prefixDigits: null });
    const later = planBatch(
      provenance,
      [p3],
      new Map([[refOf('product', KEY), empty()]]),
      { eventIds: new Map() },
      ids(1),
      heldKeys,
    );
    expect(later.held).toHaveLength(1);
    expect(later.links).toEqual([]);
  });

  it('raises GTIN_PREFIX_OWNER from the registry verdict and marks a never-accepted key as conflict', () => {
    const p = candidate({
      prefixDigits: '893504950001',
      data: { ownerTaxCode: '0309876543' },
      claimant: '0309876543',
    });
    const plan = planBatch(
      provenance,
      [p],
      new Map([[refOf('product', KEY), empty()]]),
      {
        eventIds: new Map(),
        prefixes: new Map([
          [
            '893504950001',
            { status: 'registered', prefix: '8935049', ownerTaxCode: OWNER_A, registryStatus: 'active' },
          ],
        ]),
      },
      ids(1),
    );
    expect(plan.conflicts).toEqual([
      expect.objectContaining({ code: 'GTIN_PREFIX_OWNER', existingVersionId: null }),
    ]);
    expect(plan.records).toEqual([expect.objectContaining({ status: 'conflict', versioned: false })]);
  });

  it('lets the first commissioning of a serial in a batch own it; a second at another readPoint conflicts with it', () => {
    const sgtin = 'https://id.gs1.org/01/08935049500018/21/S1';
    const e1 = candidate({
      kind: 'event',
      key: 'ev1',
      claimant: 'source:src',
      serials: { sgtins: [sgtin], readPoint: 'rp-1', owner: 'source:src' },
      data: { epcList: [sgtin] },
    });
    const e2 = candidate({
      kind: 'event',
      key: 'ev2',
      claimant: 'source:src',
      serials: { sgtins: [sgtin], readPoint: 'rp-2', owner: 'source:src' },
      data: { epcList: [sgtin] },
    });
    const owner = { sgtin, eventKey: 'ev1', readPoint: 'rp-1', owner: 'source:src', versionId: null };
    const plan = planBatch(
      provenance,
      [e1, e2],
      new Map([
        [refOf('event', 'ev1'), empty('event', 'ev1')],
        [refOf('event', 'ev2'), empty('event', 'ev2')],
      ]),
      { eventIds: new Map(), serials: new Map([[sgtin, owner]]) },
      ids(2),
    );
    expect(plan.links.map((l) => l.outcome)).toEqual(['new', 'conflict']);
    expect(plan.conflicts).toEqual([
      expect.objectContaining({
        code: 'SERIAL_RECOMMISSIONED',
        existingVersionId: '100',
        incomingVersionId: '101',
      }),
    ]);
  });

  it('throws when fewer version ids were allocated than needed', () => {
    expect(() =>
      planBatch(
        provenance,
        [candidate()],
        new Map([[refOf('product', KEY), empty()]]),
        { eventIds: new Map() },
        [],
      ),
    ).toThrow(/not enough/);
  });
});
