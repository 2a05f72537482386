import { Inject, Injectable } from '@nestjs/common';
import { AppError, ErrorCode, notFound } from '@txng/common';
import {
  AuditService,
  FINISHED_STATES,
  type NewOperation,
  type OperationFilter,
  type OperationKind,
  type Principal,
  type ProvinceScope,
} from '@txng/persistence';
import { type EntityManager } from 'typeorm';
import { OPERATION_STORE, type OperationStore } from './operation-store.port';
import { OperationTracker } from './operation-tracker';
import { type OperationView, toOperationView } from './operation-view';

/**
 * The hub's long work as one model (docs/adr/0006-operations.md): each replay, operator-asked
 * reconciliation, poll backfill and bulk conflict decision is an operation with counts, a rate, the
 * time left and a cancel that takes effect between two items. The work reports through a tracker;
 * the API reads and cancels here.
 */
@Injectable()
export class OperationsService {
  constructor(
    @Inject(OPERATION_STORE) private readonly store: OperationStore,
    private readonly audit: AuditService,
  ) {}

  /** Stores a new operation as queued; pass the transaction's manager to commit it with its cause. */
  create(op: NewOperation, manager?: EntityManager): Promise<void> {
    return this.store.create(op, manager);
  }

  /**
   * Stores a new operation unless one of its kind, province and `params[param]` is unfinished; then
   * answers that one's id and stores nothing. `alongside` commits with it (its audit entry).
   */
  createUnlessUnfinished(
    op: NewOperation & { provinceCode: string },
    param: string,
    alongside?: (manager: EntityManager) => Promise<void>,
  ): Promise<string | null> {
    return this.store.createUnlessUnfinished(op, param, alongside);
  }

  /** Ids of a kind's operations still unfinished, older than `graceSeconds` (to queue lost jobs again). */
  unfinished(kind: OperationKind, graceSeconds: number, limit: number): Promise<string[]> {
    return this.store.unfinished(kind, graceSeconds, limit);
  }

  /** The operation of a replay run stored without one (see PgOperationRepository.adoptReplayRun). */
  adoptReplayRun(runId: string): Promise<void> {
    return this.store.adoptReplayRun(runId);
  }

  tracker(id: string): OperationTracker {
    return new OperationTracker(this.store, id);
  }

  async get(id: string, scope: ProvinceScope): Promise<OperationView | null> {
    const op = await this.store.get(id, scope);
    return op ? toOperationView(op) : null;
  }

  async list(filter: OperationFilter, scope: ProvinceScope): Promise<OperationView[]> {
    return (await this.store.list(filter, scope)).map((op) => toOperationView(op));
  }

  /**
   * Asks the operation to stop (audited as `operation.cancel`): queued ones end at once, running
   * ones at their next item. 404 outside the caller's scope; 409 once it has ended.
   */
  async cancel(id: string, who: Principal): Promise<OperationView> {
    const before = await this.store.get(id, who.provinces);
    if (!before) throw notFound(`Operation ${id}`);
    if (FINISHED_STATES.includes(before.state)) {
      throw new AppError(
        ErrorCode.Conflict,
        `Operation ${id} has already ended (${before.state}); there is nothing to cancel.`,
        { status: 409 },
      );
    }
    const after = await this.store.requestCancel(id, who.actor, who.provinces);
    if (!after) throw notFound(`Operation ${id}`);
    await this.audit.record({
      actor: who.actor,
      action: 'operation.cancel',
      target: id,
      details: {
        kind: after.kind,
        sourceKey: after.sourceKey,
        provinceCode: after.provinceCode,
        done: after.done,
        total: after.total,
      },
      provinceCodes: after.provinceCode ? [after.provinceCode] : undefined,
    });
    return toOperationView(after);
  }
}
