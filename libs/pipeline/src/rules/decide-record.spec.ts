import { type Candidate, type HeldRecord, type PrefixVerdict, type SerialOwner } from '../pipeline.types';
import { decideRecord } from './decide-record';
import { commissionedSerials } from './serials';

const OWNER_A = '0301234567';
const OWNER_B = '0309876543';

function held(over: Partial<HeldRecord> = {}): HeldRecord {
  return {
    kind: 'product',
    key: 'gtin:08935049500018',
    latestVersion: 0,
    latestVersionId: null,
    latestContentHash: null,
    claimant: null,
    heldConflicts: new Map(),
    ...over,
  };
}

function candidate(over: Partial<Candidate> = {}): Candidate {
  return {
    index: 0,
    kind: 'product',
    key: 'gtin:08935049500018',
    data: { gtin: '08935049500018', ownerTaxCode: OWNER_A },
    contentHash: 'h-new',
    findings: [],
    claimant: OWNER_A,
    eventId: null,
    provinceCode: '92',
    quarantined: false,
    prefixDigits: '893504950001',
    serials: null,
    ...over,
  };
}

const registered = (owner: string, status: 'active' | 'revoked' = 'active'): PrefixVerdict => ({
  status: 'registered',
  prefix: '8935049',
  ownerTaxCode: owner,
  registryStatus: status,
});
const checked = (prefix: PrefixVerdict) => ({ prefixRequired: true, prefix });
const accepted = held({
  latestVersion: 2,
  latestVersionId: '20',
  latestContentHash: 'h-old',
  claimant: OWNER_A,
});

describe('decideRecord (the decision table of docs/pipeline.md)', () => {
  describe('products, lots, locations, organizations', () => {
    it('row 4: the latest version’s content again is a duplicate of it (before any registry check)', () => {
      expect(decideRecord(accepted, candidate({ contentHash: 'h-old' }), { prefixRequired: true })).toEqual({
        outcome: 'duplicate',
        of: '20',
      });
    });

    it('row 5: the content of an arrival held in an open conflict is a duplicate of that arrival', () => {
      const state = held({ ...accepted, heldConflicts: new Map([['h-new', '31']]) });
      expect(decideRecord(state, candidate(), { prefixRequired: true })).toEqual({
        outcome: 'duplicate',
        of: '31',
      });
    });

    it('row 6a: a product is held back while the prefix registry cannot be asked', () => {
      expect(
        decideRecord(held(), candidate(), checked({ status: 'unreachable', reason: 'portal_unavailable' })),
      ).toMatchObject({ outcome: 'held', reason: expect.stringContaining('portal_unavailable') });
      expect(decideRecord(held(), candidate(), { prefixRequired: true })).toMatchObject({ outcome: 'held' });
    });

    it('row 6b: GTIN_PREFIX_OWNER when the registry gives the prefix to another tax code', () => {
      const d = decideRecord(accepted, candidate(), checked(registered(OWNER_B)));
      expect(d).toMatchObject({
        outcome: 'conflict',
        code: 'GTIN_PREFIX_OWNER',
        existingVersionId: '20',
        finding: {
          code: 'GTIN_PREFIX_OWNER',
          path: '/ownerTaxCode',
          message: expect.stringContaining(OWNER_B),
        },
      });
      expect(decideRecord(held(), candidate(), checked(registered(OWNER_B)))).toMatchObject({
        outcome: 'conflict',
        code: 'GTIN_PREFIX_OWNER',
        existingVersionId: null,
      });
    });

    it("row 6b: GTIN_PREFIX_OWNER does not name the registry's owner when that owner holds the key", () => {
      const byB = held({ ...accepted, claimant: OWNER_B });
      for (const status of ['active', 'revoked'] as const) {
        const d = decideRecord(byB, candidate(), checked(registered(OWNER_B, status)));
        expect(d).toMatchObject({ outcome: 'conflict', code: 'GTIN_PREFIX_OWNER' });
        const message = d.outcome === 'conflict' ? d.finding.message : '';
        expect({ status, message }).toEqual({
          status,
          message: expect.stringContaining('already holding this key'),
        });
        expect(message).not.toContain(OWNER_B);
      }
    });

    it('row 6b: GTIN_PREFIX_OWNER when the prefix is revoked, whoever owned it', () => {
      expect(decideRecord(held(), candidate(), checked(registered(OWNER_A, 'revoked')))).toMatchObject({
        outcome: 'conflict',
        code: 'GTIN_PREFIX_OWNER',
        finding: { path: '/gtin', message: expect.stringContaining('revoked') },
      });
    });

    it('row 6b: no conflict when the registry agrees or does not know the prefix, or the GTIN is not checked', () => {
      expect(decideRecord(held(), candidate(), checked(registered(OWNER_A)))).toEqual({
        outcome: 'new',
        version: 1,
      });
      expect(decideRecord(held(), candidate(), checked({ status: 'not-registered' }))).toEqual({
        outcome: 'new',
        version: 1,
      });
      // GTIN-8 (no company prefix) and a hub without the check: nothing to ask.
      expect(decideRecord(held(), candidate({ prefixDigits: null }), { prefixRequired: true })).toEqual({
        outcome: 'new',
        version: 1,
      });
      expect(decideRecord(held(), candidate(), {})).toEqual({ outcome: 'new', version: 1 });
    });

    it('row 7: nothing accepted yet → version 1', () => {
      expect(decideRecord(held(), candidate())).toEqual({ outcome: 'new', version: 1 });
    });

    it('row 8: KEY_CLAIMED for a product, lot or location of another claimant', () => {
      for (const [kind, path] of [
        ['product', '/ownerTaxCode'],
        ['location', '/ownerTaxCode'],
        ['lot', '/producerTaxCode'],
      ] as const) {
        const d = decideRecord(
          held({ ...accepted, kind }),
          candidate({ kind, claimant: OWNER_B, prefixDigits: null }),
        );
        expect(d).toMatchObject({
          outcome: 'conflict',
          code: 'KEY_CLAIMED',
          existingVersionId: '20',
          finding: { code: 'KEY_CLAIMED', path },
        });
      }
    });

    it('row 9: organizations never raise KEY_CLAIMED; same claimant → next version', () => {
      expect(
        decideRecord(
          held({ ...accepted, kind: 'organization' }),
          candidate({ kind: 'organization', claimant: 'source:x' }),
        ),
      ).toEqual({ outcome: 'version', version: 3 });
      expect(decideRecord(accepted, candidate(), checked(registered(OWNER_A)))).toEqual({
        outcome: 'version',
        version: 3,
      });
    });
  });

  describe('events', () => {
    const eventHeld = held({ kind: 'event', key: 'ni:///sha-256;e1?ver=CBV2.0' });
    const event = (over: Partial<Candidate> = {}) =>
      candidate({
        kind: 'event',
        key: 'ni:///sha-256;e1?ver=CBV2.0',
        prefixDigits: null,
        claimant: 'source:a',
        ...over,
      });

    it('row 1: an event already held (or held in a conflict) is a duplicate', () => {
      expect(decideRecord({ ...eventHeld, latestVersion: 1, latestVersionId: '5' }, event())).toEqual({
        outcome: 'duplicate',
        of: '5',
      });
      expect(decideRecord({ ...eventHeld, heldConflicts: new Map([['x', '6']]) }, event())).toEqual({
        outcome: 'duplicate',
        of: '6',
      });
    });

    it('row 1a: a held event that comes again with a new error declaration is its next version', () => {
      const accepted = { ...eventHeld, latestVersion: 1, latestVersionId: '5', latestDeclaration: null };
      expect(decideRecord(accepted, event({ declaration: 'sha256:d1' }))).toMatchObject({
        outcome: 'version',
        version: 2,
      });
      const corrected = {
        ...accepted,
        latestVersion: 2,
        latestVersionId: '8',
        latestDeclaration: 'sha256:d1',
      };
      // The same declaration again, or the uncorrected event sent late, changes nothing.
      expect(decideRecord(corrected, event({ declaration: 'sha256:d1' }))).toEqual({
        outcome: 'duplicate',
        of: '8',
      });
      expect(decideRecord(corrected, event({ declaration: null }))).toEqual({
        outcome: 'duplicate',
        of: '8',
      });
      // A declaration that says something else (another reason, a corrective event) is news.
      expect(decideRecord(corrected, event({ declaration: 'sha256:d2' }))).toMatchObject({
        outcome: 'version',
        version: 3,
      });
    });

    it('row 2: EVENT_ID_REUSED when the eventID names another event', () => {
      expect(
        decideRecord(eventHeld, event({ eventId: 'urn:uuid:1' }), {
          eventIdOwner: { eventKey: 'ni:///sha-256;other?ver=CBV2.0', versionId: '7' },
        }),
      ).toMatchObject({
        outcome: 'conflict',
        code: 'EVENT_ID_REUSED',
        existingVersionId: '7',
        finding: { path: '/eventID' },
      });
      expect(
        decideRecord(eventHeld, event({ eventId: 'urn:uuid:1' }), {
          eventIdOwner: { eventKey: eventHeld.key, versionId: null },
        }),
      ).toEqual({ outcome: 'new', version: 1 });
    });

    const data = (readPoint: string) => ({
      type: 'ObjectEvent',
      action: 'ADD',
      bizStep: 'commissioning',
      epcList: ['urn:epc:id:sgtin:8935049.050001.S1', 'https://id.gs1.org/01/08935049500018/21/S2'],
      readPoint: { id: readPoint },
    });
    const owner = (over: Partial<SerialOwner>): SerialOwner => ({
      sgtin: 'https://id.gs1.org/01/08935049500018/21/S2',
      eventKey: 'ni:///sha-256;first?ver=CBV2.0',
      readPoint: 'rp-1',
      owner: 'source:a',
      versionId: '9',
      ...over,
    });

    it('row 3: SERIAL_RECOMMISSIONED when an SGTIN was commissioned by another event at another readPoint or for another owner', () => {
      const incoming = event({ data: data('rp-2'), serials: commissionedSerials(data('rp-2'), 'source:a') });
      expect(decideRecord(eventHeld, incoming, { serialOwners: [owner({})] })).toMatchObject({
        outcome: 'conflict',
        code: 'SERIAL_RECOMMISSIONED',
        existingVersionId: '9',
        finding: { path: '/epcList/1' },
      });
      const otherOwner = event({
        data: data('rp-1'),
        serials: commissionedSerials(data('rp-1'), 'source:b'),
      });
      expect(decideRecord(eventHeld, otherOwner, { serialOwners: [owner({})] })).toMatchObject({
        code: 'SERIAL_RECOMMISSIONED',
      });
    });

    it('row 4: the same place and owner, or this event’s own claim, is no conflict → new', () => {
      const same = event({ data: data('rp-1'), serials: commissionedSerials(data('rp-1'), 'source:a') });
      expect(decideRecord(eventHeld, same, { serialOwners: [owner({})] })).toEqual({
        outcome: 'new',
        version: 1,
      });
      const mine = event({ data: data('rp-2'), serials: commissionedSerials(data('rp-2'), 'source:a') });
      expect(decideRecord(eventHeld, mine, { serialOwners: [owner({ eventKey: eventHeld.key })] })).toEqual({
        outcome: 'new',
        version: 1,
      });
    });
  });
});

describe('commissionedSerials', () => {
  it('reads Digital Links and EPC URNs of a commissioning ADD ObjectEvent, and nothing else', () => {
    const e = {
      type: 'ObjectEvent',
      action: 'ADD',
      bizStep: 'urn:epcglobal:cbv:bizstep:commissioning',
      epcList: ['urn:epc:id:sgtin:8935049.050001.S1', 'https://example.vn/01/08935049500018/21/S1', 'junk'],
      readPoint: { id: 'rp' },
    };
    expect(commissionedSerials(e, 'source:a')).toEqual({
      sgtins: ['https://id.gs1.org/01/08935049500018/21/S1'],
      readPoint: 'rp',
      owner: 'source:a',
    });
    expect(commissionedSerials({ ...e, action: 'OBSERVE' }, 'source:a')).toBeNull();
    expect(commissionedSerials({ ...e, bizStep: 'shipping' }, 'source:a')).toBeNull();
    expect(commissionedSerials({ ...e, type: 'AggregationEvent' }, 'source:a')).toBeNull();
  });
});
