import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { HUB_CONFIG, type HubConfig, InvalidStateError, NotFoundError } from '@txng/common';
import {
  AuditService,
  type BulkConflictFilter,
  PgBulkConflicts,
  PgConflictResolutionRepository,
} from '@txng/persistence';
import { type ConflictDecision, ConflictResolver, type ConflictStore } from '@txng/pipeline';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type DataSource } from 'typeorm';
import { OperationStarter } from './operation-starter';
import { OperationsService } from './operations.service';

export interface BulkResolveRequest {
  code: string;
  sourceKey: string | null;
  kind: string | null;
  decision: ConflictDecision;
  note: string;
  actor: string;
}

/** What the operation stores as its params: the filter and the one decision. */
interface BulkResolveParams {
  code: string;
  sourceKey: string | null;
  kind: string | null;
  decision: ConflictDecision;
  note: string;
  raisedBy: string;
}

/**
 * One decision over every open conflict of one kind (all `GTIN_PREFIX_OWNER` of a source, say), as a
 * throttled operation (docs/operations.md, "Long work"). Asking starts the operation with the number
 * matched and its audit entry (`conflicts.bulk-resolve`) through OperationStarter.
 * The job decides each conflict exactly as POST /v1/admin/conflicts/{id}/resolve does — its own
 * transaction, its own `conflict.resolve` audit entry (naming the operation) — so a cancel lands
 * between two conflicts and a decision is never half-written. A conflict someone decided meanwhile
 * is counted as failed, not decided twice.
 */
@Injectable()
export class BulkConflictResolve {
  private readonly conflicts: PgBulkConflicts;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    private readonly operations: OperationsService,
    private readonly audit: AuditService,
    private readonly starter: OperationStarter,
  ) {
    this.conflicts = new PgBulkConflicts(dataSource);
  }

  async ask(req: BulkResolveRequest): Promise<{ operationId: string; matched: number }> {
    const operationId = randomUUID();
    const raisedBy = new Date();
    const matched = await this.conflicts.count({ ...req, raisedBy });
    const params: BulkResolveParams = {
      code: req.code,
      sourceKey: req.sourceKey,
      kind: req.kind,
      decision: req.decision,
      note: req.note,
      raisedBy: raisedBy.toISOString(),
    };
    await this.starter.start(
      'conflict-resolve',
      {
        id: operationId,
        kind: 'conflict-resolve',
        actor: req.actor,
        sourceKey: req.sourceKey,
        params: { ...params },
        total: matched,
      },
      {
        actor: req.actor,
        action: 'conflicts.bulk-resolve',
        target: operationId,
        details: { ...params, matched },
      },
    );
    return { operationId, matched };
  }

  /** Does the operation's decisions, batch by batch, until done or cancelled. */
  async run(operationId: string): Promise<{ state: string }> {
    const tracker = this.operations.tracker(operationId);
    const { operationBatch, operationPauseMs } = this.config.intake;
    const outcome = await tracker.run(async (op) => {
      const p = op.params as unknown as BulkResolveParams;
      const filter: BulkConflictFilter = {
        code: p.code,
        sourceKey: p.sourceKey,
        kind: p.kind,
        raisedBy: new Date(p.raisedBy),
      };
      const store: ConflictStore = new PgConflictResolutionRepository(this.dataSource, this.audit);
      const resolver = new ConflictResolver(store);
      let decided = 0;
      let refused = 0;
      let after: { createdAt: string; id: string } | null = null;
      for (;;) {
        const page = await this.conflicts.page(filter, after, operationBatch);
        if (page.length === 0) break;
        for (const c of page) {
          try {
            await resolver.resolve({
              id: c.id,
              decision: p.decision,
              note: p.note,
              actor: op.actor,
              auditDetails: { operationId },
            });
            decided += 1;
            await tracker.advance(1);
          } catch (error) {
            // Decided by someone else meanwhile, overtaken, or gone: counted, not retried.
            if (!(error instanceof InvalidStateError) && !(error instanceof NotFoundError)) throw error;
            refused += 1;
            await tracker.advance(0, 1);
          }
        }
        after = page[page.length - 1];
        if (page.length < operationBatch) break;
        if (operationPauseMs > 0) await sleep(operationPauseMs);
      }
      return { decided, refused };
    });
    return { state: outcome.state };
  }
}
