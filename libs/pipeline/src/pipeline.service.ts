import {
  type KeyToLock,
  type PipelineStore,
  type PrefixRegistryPort,
  type ReplaySelection,
  type ReplayTarget,
} from './pipeline-store.port';
import {
  type BatchPlan,
  type Candidate,
  type OutcomeCounts,
  type PrefixVerdict,
  type Provenance,
} from './pipeline.types';
import { planBatch, refOf } from './rules/plan-batch';

/** Records per transaction: big receipts are cut so no transaction holds thousands of row locks. */
export const PIPELINE_BATCH_SIZE = 500;

const zero = (): OutcomeCounts => ({ new: 0, version: 0, duplicate: 0, quarantined: 0, conflict: 0 });

/** What one run decided: outcome counts, and how many records were held back (left unjudged). */
export interface ApplyResult {
  counts: OutcomeCounts;
  held: number;
  /** Why the first held record was held (for the receipt and the logs). */
  heldReason: string | null;
}

/** Observes each batch (metrics); must not throw. */
export interface PipelineObserver {
  batch(plan: BatchPlan, seconds: number): void;
}

/**
 * Applies the pipeline rules to a receipt's candidates: per batch, one transaction that locks the
 * receipt, skips what an earlier run already judged, locks the batch's keys, decides, and writes.
 * Correctness under concurrency comes from the store's locks and unique constraints, not from here.
 * The prefix registry is asked before the transaction (never while holding row locks).
 */
export class PipelineService {
  constructor(
    private readonly store: PipelineStore,
    private readonly batchSize = PIPELINE_BATCH_SIZE,
    private readonly prefixes: PrefixRegistryPort | null = null,
    private readonly observer: PipelineObserver | null = null,
  ) {}

  /**
   * Returns what this run decided (zero everywhere when the receipt had been processed before).
   * With `replay`, items whose link points at a version of the selected status are released and
   * judged again (docs/pipeline.md, "Replay").
   */
  async apply(
    provenance: Provenance,
    candidates: readonly Candidate[],
    options: { replay?: ReplaySelection } = {},
  ): Promise<ApplyResult> {
    const result: ApplyResult = { counts: zero(), held: 0, heldReason: null };
    const heldKeys = new Set<string>();
    const readFailed = candidates.length === 1 && candidates[0]?.kind === 'receipt';
    for (
      let start = 0;
      start < candidates.length || (start === 0 && options.replay);
      start += this.batchSize
    ) {
      const batch = candidates.slice(start, start + this.batchSize);
      // The last batch of a replay reaches to the end of the index space: items the current mapping
      // no longer makes are found (and noted) there.
      const end = start + this.batchSize >= candidates.length ? 2_147_483_647 : start + this.batchSize;
      const verdicts = await this.verdicts(batch);
      const started = process.hrtime.bigint();
      const plan = await this.store.transaction(async (tx) => {
        const already =
          (await tx.lockReceipts([provenance.receiptId])).get(provenance.receiptId) ?? new Set<number>();
        let targets: ReplayTarget[] = [];
        if (options.replay) {
          const all = await tx.replayTargets(provenance.receiptId, options.replay, start, end);
          const reason = (why: string) => `replay run ${options.replay!.runId}: ${why}; left as it was`;
          const everything = options.replay.status === 'all';
          // A target can be re-judged only if the current reading has a record in its place. A
          // replay of whole receipts also leaves a version a later one of its key has replaced:
          // re-judged, the older receipt's content would come back on top of the newer.
          const whyNot = (t: ReplayTarget): string | null =>
            t.kind === 'receipt'
              ? null
              : readFailed
                ? 'the receipt no longer reads with the current mapping'
                : t.index >= candidates.length
                  ? 'the current mapping makes no record at this index'
                  : everything && t.superseded
                    ? `a later version of this key has come since version ${t.version}`
                    : null;
          const skipped = all.filter((t) => whyNot(t) !== null);
          targets = all.filter((t) => !skipped.includes(t));
          for (const t of skipped) {
            // A numbered version's status is sync's to move: only a history row is written.
            if (everything && t.version !== null) await tx.note([t.versionId], reason(whyNot(t)!));
            else await tx.setStatus([t.versionId], t.status, reason(whyNot(t)!));
          }
          await tx.releaseLinks(
            provenance.receiptId,
            targets.map((t) => t.index),
          );
          for (const t of targets) already.delete(t.index);
        }
        const todo = batch.filter((c) => !already.has(c.index));
        if (todo.length === 0) {
          await this.supersede(tx, provenance, targets, null, options.replay?.status === 'all');
          return null;
        }
        const valid = todo.filter((c) => !c.quarantined && c.kind !== 'receipt');
        const held = await tx.lockRecords(
          keysToLock(valid.map((c) => ({ c, sourceKey: provenance.sourceKey }))),
        );
        const eventIds = await tx.claimEventIds(eventIdClaims(valid));
        const serials = await tx.claimSerials(serialClaims(valid));
        const quarantined = await tx.findQuarantined(quarantineRefs(todo));
        const ids = await tx.allocateVersionIds(todo.length);
        const plan = planBatch(
          provenance,
          todo,
          held,
          { eventIds, prefixes: verdicts, serials, quarantined },
          ids,
          heldKeys,
        );
        if (targets.length > 0 && options.replay?.status !== 'all') {
          // Re-judged to a duplicate of the very version the item had made: the item's outcome stands.
          // (A replay of whole receipts answers `duplicate`: the new mapping left the record as it was.)
          const byIndex = new Map(targets.map((t) => [t.index, t]));
          plan.links = plan.links.map((l) => {
            const t = byIndex.get(l.index);
            return t && l.outcome === 'duplicate' && l.recordVersionId === t.versionId
              ? { ...l, outcome: t.outcome }
              : l;
          });
        }
        await tx.write(provenance, plan);
        await this.supersede(tx, provenance, targets, plan, options.replay?.status === 'all');
        return plan;
      });
      if (plan) {
        this.observer?.batch(plan, Number(process.hrtime.bigint() - started) / 1e9);
        for (const link of plan.links) result.counts[link.outcome] += 1;
        result.held += plan.held.length;
        result.heldReason ??= plan.held[0]?.reason ?? null;
      }
      if (candidates.length === 0) break;
    }
    return result;
  }

  /**
   * Judges several receipts of one source, in the order given (a run, docs/pipeline.md "Receipt
   * order"), in ONE transaction: their receipts locked together, their keys locked, claimed and
   * read together, each receipt then planned in turn against the state the ones before it left (as
   * records of one receipt see each other), written, and marked processed with its counts before
   * the commit. Every statement but the write takes the whole run, so a run of small receipts costs
   * about what one receipt did. Answers each receipt's outcome counts, in order; null, with nothing
   * written, when they cannot be judged together: more records than one batch, a body that could
   * not be read, a replay, or a product the prefix registry cannot be asked about now (held records
   * wait with their own receipt's job). The caller then judges them one by one.
   */
  async applyRun(
    items: ReadonlyArray<{ provenance: Provenance; candidates: readonly Candidate[] }>,
  ): Promise<OutcomeCounts[] | null> {
    const all = items.flatMap((i) => i.candidates);
    if (
      all.length > this.batchSize ||
      all.some((c) => c.kind === 'receipt') ||
      items.some((i) => i.provenance.replayRunId)
    )
      return null;
    const verdicts = await this.verdicts(all);
    const unanswered = (c: Candidate) =>
      c.kind === 'product' &&
      !c.quarantined &&
      !!c.prefixDigits &&
      (verdicts?.get(c.prefixDigits)?.status ?? 'unreachable') === 'unreachable';
    if (verdicts !== undefined && all.some(unanswered)) return null;
    const started = process.hrtime.bigint();
    const { plans, counts } = await this.store.transaction(async (tx) => {
      const already = await tx.lockReceipts(items.map((i) => i.provenance.receiptId));
      const todos = items.map((i) =>
        i.candidates.filter((c) => !already.get(i.provenance.receiptId)?.has(c.index)),
      );
      const valid = todos.flat().filter((c) => !c.quarantined);
      const held = await tx.lockRecords(
        keysToLock(
          items.flatMap((item, k) =>
            todos[k].filter((c) => !c.quarantined).map((c) => ({ c, sourceKey: item.provenance.sourceKey })),
          ),
        ),
      );
      const eventIds = await tx.claimEventIds(eventIdClaims(valid));
      const serials = await tx.claimSerials(serialClaims(valid));
      const quarantined = await tx.findQuarantined(quarantineRefs(todos.flat()));
      const ids = await tx.allocateVersionIds(todos.reduce((n, t) => n + t.length, 0));
      // The maps are shared: each receipt's plan sees what the receipts before it decided.
      const lookups = { eventIds, prefixes: verdicts, serials, quarantined };
      const planned: Array<{ provenance: Provenance; plan: BatchPlan }> = [];
      let next = 0;
      for (const [k, item] of items.entries()) {
        if (todos[k].length === 0) continue;
        const plan = planBatch(
          item.provenance,
          todos[k],
          held,
          lookups,
          ids.slice(next, next + todos[k].length),
        );
        next += todos[k].length;
        if (plan.held.length > 0)
          throw new Error('planBatch held a record of a run whose verdicts were all in hand');
        planned.push({ provenance: item.provenance, plan });
      }
      // One statement for consecutive plans that change distinct records; a record changed by two
      // receipts of the run is written by one statement after the other, in receipt order.
      for (const group of disjointGroups(planned)) await tx.writeMany(group);
      const plans = planned.map((p) => p.plan);
      const finished = await tx.finishReceipts(
        items.map((i) => ({ receiptId: i.provenance.receiptId, recordCount: i.candidates.length })),
      );
      return { plans, counts: finished };
    });
    if (plans.length > 0) {
      const joined: BatchPlan = { versions: [], links: [], conflicts: [], records: [], notes: [], held: [] };
      for (const p of plans) {
        joined.links.push(...p.links);
        joined.conflicts.push(...p.conflicts);
      }
      this.observer?.batch(joined, Number(process.hrtime.bigint() - started) / 1e9);
    }
    return items.map((i) => counts.get(i.provenance.receiptId) ?? zero());
  }

  /**
   * Marks the released arrivals a replay replaced: unnumbered ones become `replayed`. A replay of
   * whole receipts (`replayAll`) also notes on each accepted version what its item became.
   */
  private async supersede(
    tx: Parameters<Parameters<PipelineStore['transaction']>[0]>[0],
    provenance: Provenance,
    targets: ReplayTarget[],
    plan: BatchPlan | null,
    replayAll: boolean,
  ): Promise<void> {
    if (targets.length === 0) return;
    const run = provenance.replayRunId ?? 'unknown';
    const now = new Map((plan?.links ?? []).map((l) => [l.index, l]));
    const still = new Set((plan?.links ?? []).map((l) => l.recordVersionId));
    const replaced = targets.filter((t) => t.version === null && !still.has(t.versionId));
    const kept = targets.filter((t) => still.has(t.versionId));
    for (const t of replaced) {
      const link = now.get(t.index);
      await tx.setStatus(
        [t.versionId],
        'replayed',
        link
          ? `replayed in run ${run}: item ${t.index} of receipt ${provenance.receiptId} is now ${link.outcome}${link.recordVersionId ? ` (record_version ${link.recordVersionId})` : ''}`
          : `replayed in run ${run}: item ${t.index} of receipt ${provenance.receiptId} is judged again (held back for now)`,
      );
    }
    if (replayAll) {
      // Accepted versions stay what they are (sync owns their status); their history says what the
      // replay made of the item: the same content again, or the version that replaced it.
      for (const t of targets.filter((k) => k.version !== null)) {
        const link = now.get(t.index);
        await tx.note(
          [t.versionId],
          still.has(t.versionId)
            ? `replayed in run ${run}: item ${t.index} of receipt ${provenance.receiptId} has the same content under the current mapping; unchanged`
            : link
              ? `replayed in run ${run}: item ${t.index} of receipt ${provenance.receiptId} is now ${link.outcome}${link.recordVersionId ? ` (record_version ${link.recordVersionId})` : ''}`
              : `replayed in run ${run}: item ${t.index} of receipt ${provenance.receiptId} is judged again (held back for now)`,
        );
      }
      return;
    }
    for (const t of kept.filter((k) => k.version !== null)) {
      await tx.setStatus(
        [t.versionId],
        t.status,
        `replayed in run ${run}: the same content again; still ${t.status}`,
      );
    }
  }

  /** The registry's verdict for every product of the batch that needs one (cached or fresh). */
  private async verdicts(batch: readonly Candidate[]): Promise<Map<string, PrefixVerdict> | undefined> {
    if (this.prefixes === null) return undefined;
    const items = batch.flatMap((c) =>
      c.kind === 'product' && c.prefixDigits ? [{ digits: c.prefixDigits, owner: ownerOf(c.data) }] : [],
    );
    if (items.length === 0) return new Map();
    return (await this.prefixes.verdicts(items)) ?? undefined;
  }

  /** Marks the receipt done; answers its outcome counts over every run. */
  async finish(
    receiptId: string,
    result: { status: 'processed' | 'failed'; recordCount: number; error: string | null },
  ): Promise<OutcomeCounts> {
    return this.store.finishReceipt(receiptId, result);
  }
}

function ownerOf(data: unknown): string | null {
  const owner = (data as { ownerTaxCode?: unknown } | null)?.ownerTaxCode;
  return typeof owner === 'string' ? owner : null;
}

/** The eventIDs the valid events of a batch claim. */
function eventIdClaims(valid: readonly Candidate[]): Array<{ eventId: string; eventKey: string }> {
  return valid
    .filter((c) => c.kind === 'event' && c.eventId !== null)
    .map((c) => ({ eventId: c.eventId!, eventKey: c.key }));
}

/** The SGTINs the valid commissioning events of a batch claim. */
function serialClaims(
  valid: readonly Candidate[],
): Array<{ sgtin: string; eventKey: string; readPoint: string | null; owner: string }> {
  return valid.flatMap((c) =>
    c.kind === 'event' && c.serials
      ? c.serials.sgtins.map((sgtin) => ({
          sgtin,
          eventKey: c.key,
          readPoint: c.serials!.readPoint,
          owner: c.serials!.owner,
        }))
      : [],
  );
}

/** What the quarantined candidates of a batch look for among live quarantined arrivals. */
function quarantineRefs(
  todo: readonly Candidate[],
): Array<{ kind: string; key: string; contentHash: string }> {
  return todo
    .filter((c) => c.quarantined || c.kind === 'receipt')
    .map((c) => ({ kind: c.kind, key: c.key, contentHash: c.contentHash }));
}

/** Consecutive runs of plans whose record rows are of distinct keys, in order. */
function disjointGroups<T extends { plan: BatchPlan }>(planned: readonly T[]): T[][] {
  const groups: T[][] = [];
  let current: T[] = [];
  let keys = new Set<string>();
  for (const item of planned) {
    const mine = item.plan.records.map((r) => refOf(r.kind, r.key));
    if (mine.some((k) => keys.has(k))) {
      groups.push(current);
      current = [];
      keys = new Set();
    }
    current.push(item);
    for (const k of mine) keys.add(k);
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

/**
 * The keys a batch's valid records lock, in their order of arrival: the last record of a key names
 * its province and source (as before), and every content hash it brings is listed, so that a key
 * whose records only repeat its latest version is read without its lock (KeyToLock.contentHashes).
 */
function keysToLock(records: Array<{ c: Candidate; sourceKey: string }>): KeyToLock[] {
  const keys = new Map<string, KeyToLock>();
  for (const { c, sourceKey } of records) {
    const ref = refOf(c.kind, c.key);
    const hashes = keys.get(ref)?.contentHashes ?? [];
    keys.set(ref, {
      kind: c.kind,
      key: c.key,
      provinceCode: c.provinceCode,
      sourceKey,
      contentHashes: hashes.includes(c.contentHash) ? hashes : [...hashes, c.contentHash],
    });
  }
  return [...keys.values()];
}
