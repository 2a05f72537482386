import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppError, ErrorCode } from '@txng/common';
import { type RecordKind, summaryDigest } from '@txng/national-model';
import { type HubLine, type ReconciliationDifference, type ReconciliationRunEntity } from '@txng/persistence';
import {
  PORTAL_CLIENTS,
  type PortalClients,
  type PortalRecordInfo,
  type PortalTarget,
} from '@txng/portal-client';
import { OperationCancelledError, type OperationTracker } from '../operations/operation-tracker';
import { SYNC_OPTIONS, type SyncOptions } from '../sync/sync.options';
import { RECONCILIATION_STORE, type ReconciliationStore } from './reconciliation.port';

export interface ReconciliationView {
  id: string;
  provinceCode: string;
  target: PortalTarget;
  trigger: string;
  requestedBy: string | null;
  startedAt: string;
  finishedAt: string | null;
  agreed: boolean | null;
  hub: { counts: Record<string, number> | null; digest: string | null };
  portal: { counts: Record<string, number> | null; digest: string | null };
  differing: ReconciliationDifference[];
  checked: number;
  unchecked: number;
  portalOnly: number | null;
  repaired: number;
  error: string | null;
  /** The operation of a run an operator asked for (GET /v1/admin/operations/{id}); null for scheduled runs. */
  operationId: string | null;
}

/**
 * An operator's run reports its read-back (and looks for a cancel) every this many keys, or sooner
 * once this long has passed since the last report: often enough to watch a slow portal key by key,
 * rarely enough not to write a row per key of a fast one.
 */
const PROGRESS_EVERY = 25;
const PROGRESS_EVERY_MS = 500;

/** A read-only comparison (GET …/reconciliation). */
export interface ReconciliationComparison {
  /** Null when the portal could not be asked. */
  agreed: boolean | null;
  hub: { counts: Record<string, number>; digest: string };
  portal: { counts: Record<string, number>; digest: string } | null;
  comparedAt: string;
  error: string | null;
}

const KINDS: RecordKind[] = ['product', 'location', 'organization', 'lot', 'event'];

/**
 * Compares what the hub believes a portal holds for a province (`record_sync`) with the portal's
 * summary, finds the differing keys by reading back the hub's keys, and puts them back in the
 * sync queue (docs/sync.md, "Reconciliation"). One run per province and target at a time.
 */
@Injectable()
export class ReconciliationService {
  private readonly logger = new Logger(ReconciliationService.name);

  constructor(
    @Inject(RECONCILIATION_STORE) private readonly store: ReconciliationStore,
    @Inject(PORTAL_CLIENTS) private readonly clients: PortalClients,
    @Inject(SYNC_OPTIONS) private readonly options: SyncOptions,
  ) {}

  /** (province, target) pairs the hub has synced anything to: what the schedule reconciles. */
  async syncedProvinces(): Promise<Array<{ provinceCode: string; target: PortalTarget }>> {
    return this.store.syncedProvinces();
  }

  async latest(provinceCode: string, target: PortalTarget, limit = 1): Promise<ReconciliationView[]> {
    return (await this.store.latestRuns(provinceCode, target, limit)).map(toView);
  }

  /**
   * The hub's counts and digest beside the portal's, now, and nothing else: no read-back, no
   * repair, nothing stored (one portal call). A portal that cannot be asked leaves `portal` null
   * with the reason in `error`.
   */
  async compare(provinceCode: string, target: PortalTarget): Promise<ReconciliationComparison> {
    const lines = await this.store.heldKeys(provinceCode, target);
    const hub = { counts: countByKind(lines), digest: summaryDigest(lines) };
    const comparedAt = new Date().toISOString();
    try {
      const summary = await this.clients[target]!.getProvinceSummary(provinceCode);
      const portal = {
        counts: Object.fromEntries(KINDS.map((k) => [k, summary.counts[k] ?? 0])),
        digest: summary.digest,
      };
      return { agreed: hub.digest === portal.digest, hub, portal, comparedAt, error: null };
    } catch (error) {
      const e = error as { code?: string; message?: string };
      return {
        agreed: null,
        hub,
        portal: null,
        comparedAt,
        error: `${e.code ?? 'error'}: ${e.message ?? String(error)}`,
      };
    }
  }

  /**
   * Runs one reconciliation now. Null when another run of the same province and target holds the
   * lock (the caller decides whether that is an error, or waits). Portal errors are stored on the run and
   * rethrown after it is saved. With an operation (an operator's run), its progress is the keys read
   * back, then the keys repaired; a cancel stops it between two keys, the repairs done so far stay,
   * and the run is stored with what it did and `error` saying it was cancelled.
   */
  async run(
    provinceCode: string,
    target: PortalTarget,
    trigger: 'schedule' | 'operator' | 'sync',
    requestedBy: string | null = null,
    operation: OperationTracker | null = null,
  ): Promise<ReconciliationView | null> {
    const client = this.clients[target];
    if (!client) {
      throw new AppError(ErrorCode.BadRequest, `No ${target} portal is configured; nothing to reconcile.`, {
        status: 400,
      });
    }
    // Null leaves the operation as it was (queued): its job waits for the other run and asks again.
    return this.store.withRunLock(provinceCode, target, () =>
      this.runLocked(provinceCode, target, trigger, requestedBy, operation),
    );
  }

  private async runLocked(
    provinceCode: string,
    target: PortalTarget,
    trigger: string,
    requestedBy: string | null,
    operation: OperationTracker | null,
  ): Promise<ReconciliationView> {
    const client = this.clients[target]!;
    if (operation && !(await operation.start())) {
      throw new AppError(ErrorCode.Conflict, `Operation ${operation.id} was cancelled before it started.`, {
        status: 409,
      });
    }
    const run = await this.store.saveRun({
      provinceCode,
      target,
      trigger,
      requestedBy,
      startedAt: new Date(),
      differing: [],
      checked: 0,
      unchecked: 0,
      repaired: 0,
      operationId: operation?.id ?? null,
    });
    let failure: Error | null = null;
    try {
      // Newest synced first: the bounded read-back looks where a difference most likely is.
      const lines = await this.store.heldKeysNewestFirst(provinceCode, target);
      run.hubCounts = countByKind(lines);
      run.hubDigest = summaryDigest(lines);
      await operation?.checkpoint();
      const summary = await client.getProvinceSummary(provinceCode);
      run.portalCounts = Object.fromEntries(KINDS.map((k) => [k, summary.counts[k] ?? 0]));
      run.portalDigest = summary.digest;
      run.agreed = run.hubDigest === run.portalDigest;
      if (!run.agreed) await this.findAndRepair(run, lines, client.getRecord.bind(client), operation);
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error));
      run.error =
        error instanceof OperationCancelledError
          ? `cancelled: stopped after ${run.checked} keys read back and ${run.repaired} repaired`
          : `${(error as { code?: string }).code ?? 'error'}: ${(error as Error).message}`;
    }
    run.finishedAt = new Date();
    await this.store.saveRun(run);
    const summary = {
      runId: String(run.id),
      agreed: run.agreed,
      checked: run.checked,
      repaired: run.repaired,
    };
    if (failure instanceof OperationCancelledError) {
      await operation?.cancelled(summary);
      return toView(run);
    }
    if (failure) {
      await operation?.failed(failure, summary);
      throw failure;
    }
    await operation?.done({ ...summary, differing: run.differing.length });
    if (!run.agreed)
      this.logger.warn(
        `province ${provinceCode} (${target}) differs from the portal: ${run.differing.length} keys, ${run.repaired} repaired`,
      );
    return toView(run);
  }

  private async findAndRepair(
    run: ReconciliationRunEntity,
    lines: HubLine[],
    read: (kind: RecordKind, key: string) => Promise<PortalRecordInfo | null>,
    operation: OperationTracker | null,
  ): Promise<void> {
    const limit = Math.min(lines.length, this.options.reconcileMaxReadBack);
    const checkedLines = lines.slice(0, limit);
    const answers = new Array<PortalRecordInfo | null>(checkedLines.length);
    await operation?.total(checkedLines.length);
    let next = 0;
    let readBack = 0;
    let unreported = 0;
    let reportedAt = Date.now();
    // A cancel (or a failed progress write) seen by one reader stops them all before their next key.
    const stop: { error?: unknown } = {};
    const worker = async (): Promise<void> => {
      while (next < checkedLines.length && !('error' in stop)) {
        const i = next++;
        answers[i] = await read(checkedLines[i].kind, checkedLines[i].key);
        readBack += 1;
        unreported += 1;
        if (operation && (unreported >= PROGRESS_EVERY || Date.now() - reportedAt >= PROGRESS_EVERY_MS)) {
          const n = unreported;
          unreported = 0;
          reportedAt = Date.now();
          await operation.advance(n).catch((error: unknown) => {
            if (!('error' in stop)) stop.error = error;
          });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.options.reconcileConcurrency, limit) }, worker));
    run.checked = readBack;
    run.unchecked = lines.length - readBack;
    if ('error' in stop) throw stop.error;
    if (operation && unreported > 0) await operation.advance(unreported);

    let missing = 0;
    const differing: ReconciliationDifference[] = [];
    checkedLines.forEach((line, i) => {
      const held = answers[i];
      if (!held) missing += 1;
      if (held && held.version === line.version && held.contentHash === line.content_hash) return;
      differing.push({
        kind: line.kind,
        key: line.key,
        hubVersion: line.version,
        portalVersion: held?.version ?? null,
      });
    });
    run.differing = differing;
    await operation?.total(checkedLines.length + differing.length);
    for (const d of differing) {
      const held = answers[checkedLines.findIndex((l) => l.kind === d.kind && l.key === d.key)];
      // Each repair is its own transaction: a cancel lands between two keys, never inside one.
      d.action = await this.store.repairKey(run.target, d, held);
      if (d.action !== 'in-flight') run.repaired += 1;
      await operation?.advance(1);
    }
    const portalTotal = Object.values(run.portalCounts ?? {}).reduce((a, b) => a + b, 0);
    // Keys only the portal holds cannot be named by read-back; when every hub key was checked,
    // their number is what the portal holds beyond the hub's keys it still has.
    run.portalOnly = run.unchecked === 0 ? portalTotal - (lines.length - missing) : null;
  }
}

function countByKind(lines: HubLine[]): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(KINDS.map((k) => [k, 0]));
  for (const l of lines) counts[l.kind] = (counts[l.kind] ?? 0) + 1;
  return counts;
}

function toView(run: ReconciliationRunEntity): ReconciliationView {
  return {
    id: String(run.id),
    provinceCode: run.provinceCode,
    target: run.target,
    trigger: run.trigger,
    requestedBy: run.requestedBy,
    startedAt: new Date(run.startedAt).toISOString(),
    finishedAt: run.finishedAt ? new Date(run.finishedAt).toISOString() : null,
    agreed: run.agreed,
    hub: { counts: run.hubCounts, digest: run.hubDigest },
    portal: { counts: run.portalCounts, digest: run.portalDigest },
    differing: run.differing,
    checked: run.checked,
    unchecked: run.unchecked,
    portalOnly: run.portalOnly,
    repaired: run.repaired,
    error: run.error,
    operationId: run.operationId ?? null,
  };
}
