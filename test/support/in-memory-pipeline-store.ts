/* eslint-disable @typescript-eslint/require-await -- in-memory stand-ins of asynchronous ports answer at once */
import { recordKeyOrder } from '@txng/persistence/transaction/lock-order';
import { declarationOf, quarantineRef, refOf } from '@txng/persistence/pipeline/pipeline-store.types';
import { type AuditEvent, type ConflictView, type RecordView } from '@txng/persistence';
import {
  type BatchPlan,
  type CandidateKind,
  type ConflictRef,
  type ConflictStore,
  type ConflictTx,
  type LockedRecord,
  type RecordHead,
  type StoredVersion,
  type ConflictCodeName,
  type EventIdClaim,
  type HeldRecord,
  type KeyToLock,
  type Outcome,
  type OutcomeCounts,
  type PipelineFinding,
  type PipelineStore,
  type PipelineTx,
  type Provenance,
  type ReplaySelection,
  type ReplayTarget,
  type SerialOwner,
} from '@txng/pipeline';
import { type RecordKind } from '@txng/national-model';

/** A `record` row as the in-memory store keeps it. */
export interface MemRecord {
  kind: RecordKind;
  key: string;
  provinceCode: string | null;
  sourceKey: string;
  latestVersion: number;
  latestVersionId: string | null;
  latestContentHash: string | null;
  claimant: string | null;
  status: 'received' | 'ready' | 'conflict' | 'rejected';
}

/** A `record_version` row, with its provenance. */
export interface MemVersion {
  id: string;
  kind: CandidateKind;
  key: string;
  version: number | null;
  contentHash: string;
  data: unknown;
  status: string;
  findings: PipelineFinding[];
  claimant: string;
  eventId: string | null;
  sourceKey: string;
  receiptId: string;
  itemIndex: number;
  mappingVersion: number | null;
  webhookId: string | null;
}

export interface MemLink {
  kind: CandidateKind;
  key: string;
  outcome: Outcome;
  recordVersionId: string | null;
  replayRun: string | null;
}

export interface MemConflict {
  id: string;
  code: ConflictCodeName;
  kind: RecordKind;
  key: string;
  existingVersionId: string | null;
  incomingVersionId: string;
  status: 'open' | 'resolved';
  decision: string | null;
  note: string | null;
  resolvedBy: string | null;
}

interface State {
  receipts: Map<
    string,
    {
      status: string;
      recordCount: number | null;
      error: string | null;
      counts: Partial<OutcomeCounts> | null;
    }
  >;
  links: Map<string, Map<number, MemLink>>;
  records: Map<string, MemRecord>;
  versions: Map<string, MemVersion>;
  history: Array<{ versionId: string; status: string; reason: string }>;
  conflicts: MemConflict[];
  eventIds: Map<string, string>;
  serials: Map<string, { eventKey: string; readPoint: string | null; owner: string }>;
  held: Map<string, { receiptId: string; index: number; kind: CandidateKind; key: string; reason: string }>;
  audit: AuditEvent[];
  nextVersionId: number;
}

const emptyState = (): State => ({
  receipts: new Map(),
  links: new Map(),
  records: new Map(),
  versions: new Map(),
  history: [],
  conflicts: [],
  eventIds: new Map(),
  serials: new Map(),
  held: new Map(),
  audit: [],
  nextVersionId: 1,
});

const byNumericId = (a: { id: string }, b: { id: string }): number => Number(a.id) - Number(b.id);

/**
 * The pipeline's store port in memory, for unit tests of the pipeline's rules through
 * PipelineService (never wired into the hub: PostgreSQL's adapter is PgPipelineRepository). It keeps
 * what the SQL adapter keeps, with the constraints that catch a wrong plan (one link per receipt
 * item, one version number per key); a transaction runs alone and is undone when it throws.
 * `conflictStore` is libs/pipeline's ConflictStore port on the same data, so a spec can raise a
 * conflict through the pipeline and resolve it with ConflictResolver. Locks are not modelled:
 * concurrency is the integration specs' (pipeline-concurrency, pipeline-conflicts).
 */
export class InMemoryPipelineStore implements PipelineStore {
  private state: State = emptyState();
  private queue: Promise<unknown> = Promise.resolve();

  async transaction<T>(fn: (tx: PipelineTx) => Promise<T>): Promise<T> {
    return this.alone((s) => fn(new InMemoryPipelineTx(s)));
  }

  /** The same data as libs/pipeline's ConflictStore port, for ConflictResolver. */
  readonly conflictStore: ConflictStore = {
    transaction: <T>(fn: (tx: ConflictTx) => Promise<T>): Promise<T> =>
      this.alone((s) => fn(new InMemoryConflictTx(s))),
    view: async (id: string): Promise<ConflictView | null> => {
      const c = this.state.conflicts.find((x) => x.id === id);
      if (!c) return null;
      const side = (versionId: string): RecordView => recordView(this.state.versions.get(versionId)!);
      return {
        id: c.id,
        code: c.code,
        kind: c.kind,
        key: c.key,
        status: c.status,
        existing: c.existingVersionId ? side(c.existingVersionId) : null,
        incoming: side(c.incomingVersionId),
        createdAt: new Date(0),
        resolvedAt: c.status === 'resolved' ? new Date(0) : null,
        decision: c.decision,
        note: c.note,
        resolvedBy: c.resolvedBy,
      };
    },
  };

  /** Runs `fn` alone on the state; a throw puts the state back as it was (a rolled-back transaction). */
  private alone<T>(fn: (s: State) => Promise<T>): Promise<T> {
    const run = this.queue.then(async () => {
      const before = structuredClone(this.state);
      try {
        return await fn(this.state);
      } catch (error) {
        this.state = before;
        throw error;
      }
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  async finishReceipt(
    receiptId: string,
    result: { status: 'processed' | 'failed'; recordCount: number; error: string | null },
  ): Promise<OutcomeCounts> {
    const counts: OutcomeCounts = { new: 0, version: 0, duplicate: 0, quarantined: 0, conflict: 0 };
    for (const link of this.state.links.get(receiptId)?.values() ?? []) counts[link.outcome] += 1;
    this.state.receipts.set(receiptId, { ...result, counts });
    return counts;
  }

  // What a spec reads back.

  record(kind: string, key: string): MemRecord | undefined {
    return this.state.records.get(refOf(kind, key));
  }

  /** The versions of a key, oldest first. */
  versionsOf(kind: string, key: string): MemVersion[] {
    return [...this.state.versions.values()]
      .filter((v) => v.kind === kind && v.key === key)
      .sort(byNumericId);
  }

  version(id: string): MemVersion | undefined {
    return this.state.versions.get(id);
  }

  /** A receipt's links, by item index. */
  links(receiptId: string): Array<MemLink & { index: number }> {
    return [...(this.state.links.get(receiptId) ?? new Map<number, MemLink>()).entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([index, link]) => ({ index, ...link }));
  }

  conflicts(): MemConflict[] {
    return [...this.state.conflicts];
  }

  auditEntries(): AuditEvent[] {
    return [...this.state.audit];
  }

  eventIdOwner(eventId: string): string | undefined {
    return this.state.eventIds.get(eventId);
  }

  history(versionId: string): Array<{ status: string; reason: string }> {
    return this.state.history
      .filter((h) => h.versionId === versionId)
      .map((h) => ({ status: h.status, reason: h.reason }));
  }

  heldItems(): Array<{ receiptId: string; index: number; kind: CandidateKind; key: string; reason: string }> {
    return [...this.state.held.values()];
  }

  receipt(receiptId: string) {
    return this.state.receipts.get(receiptId);
  }
}

class InMemoryPipelineTx implements PipelineTx {
  constructor(private readonly s: State) {}

  async lockReceipts(receiptIds: string[]): Promise<Map<string, Set<number>>> {
    const done = new Map<string, Set<number>>();
    for (const receiptId of [...receiptIds].sort()) {
      if (!this.s.receipts.has(receiptId))
        this.s.receipts.set(receiptId, {
          status: 'processing',
          recordCount: null,
          error: null,
          counts: null,
        });
      done.set(receiptId, new Set(this.s.links.get(receiptId)?.keys() ?? []));
    }
    return done;
  }

  async lockRecords(keys: KeyToLock[]): Promise<Map<string, HeldRecord>> {
    const held = new Map<string, HeldRecord>();
    for (const k of [...keys].sort(recordKeyOrder)) {
      const ref = refOf(k.kind, k.key);
      if (!this.s.records.has(ref)) {
        this.s.records.set(ref, {
          kind: k.kind as RecordKind,
          key: k.key,
          provinceCode: k.provinceCode,
          sourceKey: k.sourceKey,
          latestVersion: 0,
          latestVersionId: null,
          latestContentHash: null,
          claimant: null,
          status: 'received',
        });
      }
      const r = this.s.records.get(ref)!;
      const latest = r.latestVersionId ? this.s.versions.get(r.latestVersionId) : undefined;
      const heldConflicts = new Map<string, string>();
      for (const v of [...this.s.versions.values()].sort(byNumericId))
        if (v.status === 'conflict' && v.kind === r.kind && v.key === r.key)
          heldConflicts.set(v.contentHash, v.id);
      held.set(ref, {
        kind: r.kind,
        key: r.key,
        latestVersion: r.latestVersion,
        latestVersionId: r.latestVersionId,
        latestContentHash: r.latestContentHash,
        claimant: r.claimant,
        heldConflicts,
        latestDeclaration:
          r.kind === 'event'
            ? declarationOf((latest?.data as { errorDeclaration?: unknown } | undefined)?.errorDeclaration)
            : null,
      });
    }
    return held;
  }

  async claimEventIds(
    claims: Array<{ eventId: string; eventKey: string }>,
  ): Promise<Map<string, EventIdClaim>> {
    const owners = new Map<string, EventIdClaim>();
    for (const c of claims) if (!this.s.eventIds.has(c.eventId)) this.s.eventIds.set(c.eventId, c.eventKey);
    for (const c of claims) {
      const eventKey = this.s.eventIds.get(c.eventId)!;
      owners.set(c.eventId, { eventKey, versionId: this.latestOf('event', eventKey) });
    }
    return owners;
  }

  async claimSerials(
    claims: Array<{ sgtin: string; eventKey: string; readPoint: string | null; owner: string }>,
  ): Promise<Map<string, SerialOwner>> {
    const owners = new Map<string, SerialOwner>();
    for (const c of claims)
      if (!this.s.serials.has(c.sgtin))
        this.s.serials.set(c.sgtin, { eventKey: c.eventKey, readPoint: c.readPoint, owner: c.owner });
    for (const c of claims) {
      const first = this.s.serials.get(c.sgtin)!;
      owners.set(c.sgtin, { sgtin: c.sgtin, ...first, versionId: this.latestOf('event', first.eventKey) });
    }
    return owners;
  }

  async findQuarantined(
    refs: Array<{ kind: string; key: string; contentHash: string }>,
  ): Promise<Map<string, { id: string; findings: PipelineFinding[] }>> {
    const wanted = new Set(refs.map((r) => quarantineRef(r.kind, r.key, r.contentHash)));
    const found = new Map<string, { id: string; findings: PipelineFinding[] }>();
    for (const v of [...this.s.versions.values()].sort(byNumericId)) {
      const ref = quarantineRef(v.kind, v.key, v.contentHash);
      if (v.status === 'quarantined' && wanted.has(ref) && !found.has(ref))
        found.set(ref, { id: v.id, findings: v.findings });
    }
    return found;
  }

  async replayTargets(
    receiptId: string,
    selection: ReplaySelection,
    from: number,
    to: number,
  ): Promise<ReplayTarget[]> {
    const targets: ReplayTarget[] = [];
    for (const [index, link] of [...(this.s.links.get(receiptId) ?? new Map<number, MemLink>())].sort(
      (a, b) => a[0] - b[0],
    )) {
      const v = link.recordVersionId ? this.s.versions.get(link.recordVersionId) : undefined;
      if (!v || index < from || index >= to) continue;
      const all = selection.status === 'all' && (v.status === 'quarantined' || v.version !== null);
      if (!all && v.status !== selection.status && v.status !== 'replayed') continue;
      if (selection.kind && link.kind !== selection.kind) continue;
      if (link.replayRun === selection.runId) continue;
      targets.push({
        index,
        kind: link.kind,
        outcome: link.outcome,
        versionId: v.id,
        version: v.version,
        status: v.status,
        superseded:
          v.version !== null &&
          [...this.s.versions.values()].some(
            (l) => l.kind === v.kind && l.key === v.key && l.version !== null && l.version > v.version!,
          ),
      });
    }
    return targets;
  }

  async releaseLinks(receiptId: string, indexes: number[]): Promise<void> {
    for (const i of indexes) this.s.links.get(receiptId)?.delete(i);
  }

  async setStatus(versionIds: string[], status: string, reason: string): Promise<void> {
    for (const id of versionIds) {
      const v = this.s.versions.get(id);
      if (!v) throw new Error(`record_version ${id} does not exist`);
      v.status = status;
      this.s.history.push({ versionId: id, status, reason });
    }
  }

  async note(versionIds: string[], reason: string): Promise<void> {
    for (const id of versionIds) {
      const v = this.s.versions.get(id);
      if (!v) throw new Error(`record_version ${id} does not exist`);
      this.s.history.push({ versionId: id, status: v.status, reason });
    }
  }

  async finishReceipts(
    receipts: Array<{ receiptId: string; recordCount: number }>,
  ): Promise<Map<string, OutcomeCounts>> {
    const out = new Map<string, OutcomeCounts>();
    for (const r of receipts) {
      const counts: OutcomeCounts = { new: 0, version: 0, duplicate: 0, quarantined: 0, conflict: 0 };
      for (const link of this.s.links.get(r.receiptId)?.values() ?? []) counts[link.outcome] += 1;
      this.s.receipts.set(r.receiptId, {
        status: 'processed',
        recordCount: r.recordCount,
        error: null,
        counts,
      });
      out.set(r.receiptId, counts);
    }
    return out;
  }

  async allocateVersionIds(count: number): Promise<string[]> {
    return Array.from({ length: count }, () => String(this.s.nextVersionId++));
  }

  async writeMany(items: Array<{ provenance: Provenance; plan: BatchPlan }>): Promise<void> {
    const keys = items.flatMap((i) => i.plan.records.map((r) => refOf(r.kind, r.key)));
    if (new Set(keys).size !== keys.length)
      throw new Error('writeMany: two plans change the same record; write them one by one');
    for (const { provenance, plan } of items) await this.write(provenance, plan);
  }

  async write(p: Provenance, plan: BatchPlan): Promise<void> {
    for (const v of plan.versions) {
      if (this.s.versions.has(v.id)) throw new Error(`record_version ${v.id} exists already`);
      if (
        v.version !== null &&
        [...this.s.versions.values()].some(
          (o) => o.kind === v.candidate.kind && o.key === v.candidate.key && o.version === v.version,
        )
      ) {
        throw new Error(
          `record_version_key_version_uq: ${v.candidate.kind} ${v.candidate.key} version ${v.version}`,
        );
      }
      this.s.versions.set(v.id, {
        id: v.id,
        kind: v.candidate.kind,
        key: v.candidate.key,
        version: v.version,
        contentHash: v.candidate.contentHash,
        data: v.candidate.data ?? null,
        status: v.status,
        findings: v.findings,
        claimant: v.candidate.claimant,
        eventId: v.candidate.eventId,
        sourceKey: p.sourceKey,
        receiptId: p.receiptId,
        itemIndex: v.candidate.index,
        mappingVersion: p.mappingVersion,
        webhookId: p.webhookId,
      });
      for (const h of v.history) this.s.history.push({ versionId: v.id, status: h.status, reason: h.reason });
    }
    for (const c of plan.conflicts)
      this.s.conflicts.push({
        ...c,
        id: `conflict-${this.s.conflicts.length + 1}`,
        status: 'open',
        decision: null,
        note: null,
        resolvedBy: null,
      });
    for (const n of plan.notes)
      this.s.history.push({ versionId: n.versionId, status: n.status, reason: n.reason });
    const links = this.s.links.get(p.receiptId) ?? new Map<number, MemLink>();
    for (const l of plan.links) {
      if (links.has(l.index)) throw new Error(`receipt_record (${p.receiptId}, ${l.index}) exists already`);
      links.set(l.index, {
        kind: l.kind,
        key: l.key,
        outcome: l.outcome,
        recordVersionId: l.recordVersionId,
        replayRun: p.replayRunId ?? null,
      });
      this.s.held.delete(`${p.receiptId}#${l.index}`);
    }
    this.s.links.set(p.receiptId, links);
    for (const h of plan.held) {
      this.s.held.set(`${p.receiptId}#${h.candidate.index}`, {
        receiptId: p.receiptId,
        index: h.candidate.index,
        kind: h.candidate.kind,
        key: h.candidate.key,
        reason: h.reason,
      });
    }
    for (const u of plan.records) {
      const r = this.s.records.get(refOf(u.kind, u.key));
      if (!r) continue;
      const first = r.latestVersion === 0;
      if (u.versioned) {
        r.latestVersion = u.latestVersion;
        r.latestVersionId = u.latestVersionId;
        r.latestContentHash = u.latestContentHash;
      }
      if (u.versioned || r.claimant === null) r.claimant = u.claimant;
      if (u.versioned || r.provinceCode === null) r.provinceCode = u.provinceCode;
      if (u.versioned || first) r.sourceKey = u.sourceKey;
      if (u.versioned) r.status = 'ready';
      else if (first) r.status = 'conflict';
    }
  }

  private latestOf(kind: string, key: string): string | null {
    return this.s.records.get(refOf(kind, key))?.latestVersionId ?? null;
  }
}

function recordView(v: MemVersion): RecordView {
  return {
    id: v.id,
    kind: v.kind,
    key: v.key,
    version: v.version,
    status: v.status,
    findings: v.findings,
    data: v.data,
    contentHash: v.contentHash,
    claimant: v.claimant,
    source: v.sourceKey,
    receiptId: v.receiptId,
    webhookId: v.webhookId,
    pollPage: null,
    mappingVersion: v.mappingVersion,
    createdAt: new Date(0),
  };
}

/** ConflictTx on the in-memory state: what PgConflictResolutionTx does in SQL. */
class InMemoryConflictTx implements ConflictTx {
  constructor(private readonly s: State) {}

  async conflict(id: string): Promise<ConflictRef | null> {
    const c = this.s.conflicts.find((x) => x.id === id);
    return c
      ? {
          id: c.id,
          code: c.code,
          kind: c.kind,
          key: c.key,
          status: c.status,
          existingVersionId: c.existingVersionId,
          incomingVersionId: c.incomingVersionId,
        }
      : null;
  }

  async version(id: string): Promise<StoredVersion> {
    const v = this.s.versions.get(id);
    if (!v) throw new Error(`record_version ${id} named by a conflict does not exist`);
    return { ...v, data: v.data, findings: v.findings };
  }

  async lockRecords(keys: Array<{ kind: string; key: string }>): Promise<LockedRecord[]> {
    return [...keys].sort(recordKeyOrder).flatMap((k) => {
      const r = this.s.records.get(refOf(k.kind, k.key));
      return r
        ? [
            {
              kind: r.kind,
              key: r.key,
              latestVersion: r.latestVersion,
              latestVersionId: r.latestVersionId,
              latestContentHash: r.latestContentHash,
            },
          ]
        : [];
    });
  }

  async lockConflict(id: string): Promise<string | null> {
    return this.s.conflicts.find((c) => c.id === id)?.status ?? null;
  }

  async acceptVersion(versionId: string, version: number): Promise<void> {
    const v = this.s.versions.get(versionId)!;
    if (
      [...this.s.versions.values()].some((o) => o.kind === v.kind && o.key === v.key && o.version === version)
    )
      throw new Error(`record_version_key_version_uq: ${v.kind} ${v.key} version ${version}`);
    Object.assign(v, { version, status: 'ready', findings: [] });
  }

  async rejectVersion(versionId: string, findings: PipelineFinding[]): Promise<void> {
    Object.assign(this.s.versions.get(versionId)!, { status: 'rejected', findings });
  }

  async history(versionId: string, status: string, reason: string): Promise<void> {
    this.s.history.push({ versionId, status, reason });
  }

  async moveHead(kind: string, key: string, head: RecordHead): Promise<void> {
    const r = this.s.records.get(refOf(kind, key))!;
    Object.assign(r, {
      latestVersion: head.version,
      latestVersionId: head.versionId,
      latestContentHash: head.contentHash,
      claimant: head.claimant,
      sourceKey: head.sourceKey,
      provinceCode: head.provinceCode ?? r.provinceCode,
      status: 'ready',
    });
  }

  async standAgainst(kind: string, key: string, versionId: string, exceptConflictId: string): Promise<void> {
    for (const c of this.s.conflicts)
      if (c.kind === kind && c.key === key && c.status === 'open' && c.id !== exceptConflictId)
        c.existingVersionId = versionId;
  }

  async moveEventId(
    eventId: string,
    eventKey: string,
    versionId: string,
    exceptConflictId: string,
  ): Promise<void> {
    this.s.eventIds.set(eventId, eventKey);
    for (const c of this.s.conflicts)
      if (
        c.status === 'open' &&
        c.code === 'EVENT_ID_REUSED' &&
        c.id !== exceptConflictId &&
        this.s.versions.get(c.incomingVersionId)?.eventId === eventId
      )
        c.existingVersionId = versionId;
  }

  async moveSerials(
    sgtins: readonly string[],
    claim: { eventKey: string; readPoint: string | null; owner: string },
  ): Promise<void> {
    for (const sgtin of sgtins) this.s.serials.set(sgtin, { ...claim });
  }

  async rejectRecord(kind: string, key: string): Promise<void> {
    this.s.records.get(refOf(kind, key))!.status = 'rejected';
  }

  async rejectRecordUnlessOpen(kind: string, key: string, exceptConflictId: string): Promise<void> {
    const open = this.s.conflicts.some(
      (c) => c.kind === kind && c.key === key && c.status === 'open' && c.id !== exceptConflictId,
    );
    if (!open) this.s.records.get(refOf(kind, key))!.status = 'rejected';
  }

  async closeConflict(
    id: string,
    resolution: { decision: string; note: string; actor: string },
  ): Promise<void> {
    Object.assign(
      this.s.conflicts.find((c) => c.id === id)!,
      {
        status: 'resolved',
        decision: resolution.decision,
        note: resolution.note,
        resolvedBy: resolution.actor,
      },
    );
  }

  async audit(event: AuditEvent): Promise<void> {
    this.s.audit.push(event);
  }
}
