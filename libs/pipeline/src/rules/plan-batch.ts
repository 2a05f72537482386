import {
  type BatchPlan,
  type Candidate,
  type EventIdClaim,
  type HeldRecord,
  type LinkRow,
  type Provenance,
  type RecordUpdate,
  type VersionRow,
} from '../pipeline.types';
import { decideRecord } from './decide-record';

export const refOf = (kind: string, key: string): string => `${kind}\u0000${key}`;

/**
 * Judges a batch of candidates in receipt order against the held state (read under row locks) and
 * returns every row to write. Records of the same key inside one batch see each other: the state is
 * updated as the batch goes, exactly as if they had arrived one by one.
 *
 * @param held     per refOf(kind, key), for every key of the batch's valid candidates
 * @param eventIds per eventID of the batch's events: who owns it (after this batch claimed free ones)
 * @param ids      pre-allocated record_version ids, at least one per candidate
 */
export function planBatch(
  provenance: Provenance,
  candidates: readonly Candidate[],
  held: Map<string, HeldRecord>,
  eventIds: Map<string, EventIdClaim>,
  ids: readonly string[],
): BatchPlan {
  const plan: BatchPlan = { versions: [], links: [], conflicts: [], records: [] };
  const touched = new Map<string, HeldRecord>();
  const versioned = new Set<string>();
  let next = 0;
  const allocate = (): string => {
    const id = ids[next++];
    if (id === undefined) throw new Error('planBatch: not enough record_version ids allocated');
    return id;
  };
  const link = (c: Candidate, outcome: LinkRow['outcome'], recordVersionId: string | null): void => {
    plan.links.push({ index: c.index, kind: c.kind, key: c.key, outcome, recordVersionId });
  };
  const received = {
    status: 'received',
    reason: `received in receipt ${provenance.receiptId} from source ${provenance.sourceKey}`,
  };

  for (const c of candidates) {
    if (c.quarantined || c.kind === 'receipt') {
      const row: VersionRow = {
        id: allocate(),
        candidate: c,
        version: null,
        status: 'quarantined',
        findings: c.findings,
        history: [received, { status: 'quarantined', reason: c.findings.map((f) => f.code).join(', ') }],
      };
      plan.versions.push(row);
      link(c, 'quarantined', row.id);
      continue;
    }
    const ref = refOf(c.kind, c.key);
    const state = held.get(ref);
    if (!state) throw new Error(`planBatch: no held state for ${c.kind} ${c.key}`);
    const owner = c.eventId !== null ? eventIds.get(c.eventId) : undefined;
    const decision = decideRecord(state, c, owner);
    switch (decision.outcome) {
      case 'duplicate':
        link(c, 'duplicate', decision.of);
        break;
      case 'new':
      case 'version': {
        const id = allocate();
        plan.versions.push({
          id,
          candidate: c,
          version: decision.version,
          status: 'ready',
          findings: [],
          history: [
            received,
            {
              status: 'ready',
              reason:
                decision.outcome === 'new'
                  ? 'new record, version 1'
                  : `new content from the same claimant: version ${decision.version}`,
            },
          ],
        });
        state.latestVersion = decision.version;
        state.latestVersionId = id;
        state.latestContentHash = c.contentHash;
        state.claimant = c.claimant;
        if (c.eventId !== null && owner?.eventKey === c.key) owner.versionId = id;
        touched.set(ref, state);
        versioned.add(ref);
        link(c, decision.outcome, id);
        break;
      }
      case 'conflict': {
        const id = allocate();
        plan.versions.push({
          id,
          candidate: c,
          version: null,
          status: 'conflict',
          findings: [decision.finding],
          history: [received, { status: 'conflict', reason: decision.finding.message }],
        });
        plan.conflicts.push({
          code: decision.code,
          kind: c.kind,
          key: c.key,
          existingVersionId: decision.existingVersionId,
          incomingVersionId: id,
        });
        state.heldConflicts.set(c.contentHash, id);
        touched.set(ref, state);
        link(c, 'conflict', id);
        break;
      }
    }
  }

  const lastOf = new Map<string, Candidate>();
  // The record takes its province from the version that became latest (or, before any, the conflict).
  for (const v of plan.versions) {
    const ref = refOf(v.candidate.kind, v.candidate.key);
    if (v.status === 'ready' || (v.status === 'conflict' && !lastOf.has(ref))) lastOf.set(ref, v.candidate);
  }
  for (const [ref, state] of touched) {
    const c = lastOf.get(ref)!;
    const update: RecordUpdate = {
      kind: state.kind,
      key: state.key,
      latestVersion: state.latestVersion,
      latestVersionId: state.latestVersionId,
      latestContentHash: state.latestContentHash,
      claimant: state.claimant ?? c.claimant,
      status: state.latestVersion > 0 ? 'ready' : 'conflict',
      provinceCode: c.provinceCode,
      sourceKey: provenance.sourceKey,
      versioned: versioned.has(ref),
    };
    plan.records.push(update);
  }
  return plan;
}
