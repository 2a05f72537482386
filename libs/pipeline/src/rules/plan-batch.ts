import {
  type BatchLookups,
  type BatchPlan,
  type Candidate,
  type HeldRecord,
  type LinkRow,
  type Provenance,
  type RecordUpdate,
  type PipelineFinding,
  type VersionRow,
} from '../pipeline.types';
import { quarantineRef, refOf } from '@txng/persistence/pipeline/pipeline-store.types';
import { decideRecord } from './decide-record';

// The keys of the maps the store answers: defined beside the store's adapter, which builds them.
export { quarantineRef, refOf } from '@txng/persistence/pipeline/pipeline-store.types';

const sameFindings = (a: readonly PipelineFinding[], b: readonly PipelineFinding[]): boolean =>
  a.length === b.length &&
  a.every((f, i) => f.code === b[i]?.code && f.message === b[i]?.message && f.path === b[i]?.path);

/** ` (reason incorrect_data)` from an event's errorDeclaration, for the version's history. */
function declarationReason(data: unknown): string {
  const declaration = (data as { errorDeclaration?: { reason?: unknown } } | null)?.errorDeclaration;
  return typeof declaration?.reason === 'string' ? ` (reason ${declaration.reason})` : '';
}

/**
 * Judges a batch of candidates in receipt order against the held state (read under row locks) and
 * returns every row to write. Records of the same key inside one batch see each other: the state is
 * updated as the batch goes, exactly as if they had arrived one by one.
 *
 * A product whose prefix check cannot be made is left unjudged (`plan.held`), and so is every later
 * record of the same key (in this batch, or named in `heldKeys` by an earlier batch of the
 * receipt), so a key's arrivals are still judged in receipt order when the job runs again.
 *
 * @param held     per refOf(kind, key), for every key of the batch's valid candidates
 * @param lookups  eventID owners, prefix verdicts, serial owners, live quarantined arrivals
 * @param ids      pre-allocated record_version ids, at least one per candidate
 * @param heldKeys refOf of keys held back earlier in this run (updated in place)
 */
export function planBatch(
  provenance: Provenance,
  candidates: readonly Candidate[],
  held: Map<string, HeldRecord>,
  lookups: BatchLookups,
  ids: readonly string[],
  heldKeys: Set<string> = new Set(),
): BatchPlan {
  const plan: BatchPlan = { versions: [], links: [], conflicts: [], records: [], notes: [], held: [] };
  const { eventIds } = lookups;
  const quarantined = lookups.quarantined ?? new Map<string, { id: string; findings: PipelineFinding[] }>();
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
    reason: provenance.replayRunId
      ? `received in receipt ${provenance.receiptId} from source ${provenance.sourceKey}, replayed in run ${provenance.replayRunId}`
      : `received in receipt ${provenance.receiptId} from source ${provenance.sourceKey}`,
  };

  for (const c of candidates) {
    if (c.quarantined || c.kind === 'receipt') {
      const qref = quarantineRef(c.kind, c.key, c.contentHash);
      const same = quarantined.get(qref);
      if (same !== undefined && sameFindings(same.findings, c.findings)) {
        plan.notes.push({
          versionId: same.id,
          status: 'quarantined',
          reason: `${received.reason}: the same content with the same findings, kept as this one quarantined record`,
        });
        link(c, 'quarantined', same.id);
        continue;
      }
      const row: VersionRow = {
        id: allocate(),
        candidate: c,
        version: null,
        status: 'quarantined',
        findings: c.findings,
        history: [received, { status: 'quarantined', reason: c.findings.map((f) => f.code).join(', ') }],
      };
      plan.versions.push(row);
      quarantined.set(qref, { id: row.id, findings: c.findings });
      link(c, 'quarantined', row.id);
      continue;
    }
    const ref = refOf(c.kind, c.key);
    if (heldKeys.has(ref)) {
      plan.held.push({ candidate: c, reason: 'an earlier arrival of this key is held back' });
      continue;
    }
    const state = held.get(ref);
    if (!state) throw new Error(`planBatch: no held state for ${c.kind} ${c.key}`);
    const owner = c.eventId !== null ? eventIds.get(c.eventId) : undefined;
    const serialOwners = c.serials
      ? c.serials.sgtins.flatMap((s) => {
          const o = lookups.serials?.get(s);
          return o ? [o] : [];
        })
      : undefined;
    const decision = decideRecord(state, c, {
      eventIdOwner: owner,
      prefixRequired: lookups.prefixes !== undefined,
      prefix: c.prefixDigits ? lookups.prefixes?.get(c.prefixDigits) : undefined,
      serialOwners,
    });
    switch (decision.outcome) {
      case 'held':
        heldKeys.add(ref);
        plan.held.push({ candidate: c, reason: decision.reason });
        break;
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
          // Only warnings reach here: they stay with the version so operators and provinces see them.
          findings: c.findings,
          history: [
            received,
            {
              status: 'ready',
              reason:
                decision.outcome === 'new'
                  ? 'new record, version 1'
                  : decision.correction
                    ? `the event came again with an error declaration${declarationReason(c.data)}: version ${decision.version}`
                    : `new content from the same claimant: version ${decision.version}`,
            },
          ],
        });
        state.latestVersion = decision.version;
        state.latestVersionId = id;
        state.latestContentHash = c.contentHash;
        state.claimant = c.claimant;
        if (c.kind === 'event') state.latestDeclaration = c.declaration ?? null;
        if (c.eventId !== null && owner?.eventKey === c.key) owner.versionId = id;
        for (const o of serialOwners ?? []) if (o.eventKey === c.key) o.versionId = id;
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
