import { type PipelineStore } from './pipeline-store.port';
import { type Candidate, type OutcomeCounts, type Provenance } from './pipeline.types';
import { planBatch, refOf } from './rules/plan-batch';

/** Records per transaction: big receipts are cut so no transaction holds thousands of row locks. */
export const PIPELINE_BATCH_SIZE = 500;

const zero = (): OutcomeCounts => ({ new: 0, version: 0, duplicate: 0, quarantined: 0, conflict: 0 });

/**
 * Applies the pipeline rules to a receipt's candidates: per batch, one transaction that locks the
 * receipt, skips what an earlier run already judged, locks the batch's keys, decides, and writes.
 * Correctness under concurrency comes from the store's locks and unique constraints, not from here.
 */
export class PipelineService {
  constructor(
    private readonly store: PipelineStore,
    private readonly batchSize = PIPELINE_BATCH_SIZE,
  ) {}

  /** Returns what this run decided (zero everywhere when the receipt had been processed before). */
  async apply(provenance: Provenance, candidates: readonly Candidate[]): Promise<OutcomeCounts> {
    const counts = zero();
    for (let start = 0; start < candidates.length; start += this.batchSize) {
      const batch = candidates.slice(start, start + this.batchSize);
      const done = await this.store.transaction(async (tx) => {
        const already = await tx.lockReceipt(provenance.receiptId);
        const todo = batch.filter((c) => !already.has(c.index));
        if (todo.length === 0) return [];
        const valid = todo.filter((c) => !c.quarantined && c.kind !== 'receipt');
        const keys = new Map<
          string,
          { kind: string; key: string; provinceCode: string | null; sourceKey: string }
        >();
        for (const c of valid)
          keys.set(refOf(c.kind, c.key), {
            kind: c.kind,
            key: c.key,
            provinceCode: c.provinceCode,
            sourceKey: provenance.sourceKey,
          });
        const held = await tx.lockRecords([...keys.values()]);
        const eventIds = await tx.claimEventIds(
          valid
            .filter((c) => c.kind === 'event' && c.eventId !== null)
            .map((c) => ({ eventId: c.eventId!, eventKey: c.key })),
        );
        const ids = await tx.allocateVersionIds(todo.length);
        const plan = planBatch(provenance, todo, held, eventIds, ids);
        await tx.write(provenance, plan);
        return plan.links;
      });
      for (const link of done) counts[link.outcome] += 1;
    }
    return counts;
  }

  /** Marks the receipt done; answers its outcome counts over every run. */
  async finish(
    receiptId: string,
    result: { status: 'processed' | 'failed'; recordCount: number; error: string | null },
  ): Promise<OutcomeCounts> {
    return this.store.finishReceipt(receiptId, result);
  }
}
