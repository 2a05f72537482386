import { type OperationKind, type OperationRow, type OperationState } from '@txng/persistence';

/** An operation as the API shows it (GET /v1/admin/operations, docs/operations.md, "Long work"). */
export interface OperationView {
  id: string;
  kind: OperationKind;
  state: OperationState;
  actor: string;
  provinceCode: string | null;
  sourceKey: string | null;
  /** What it was asked to do (filters, decision). */
  params: Record<string, unknown>;
  /** Items to do; null while not yet known. */
  total: number | null;
  done: number;
  failed: number;
  /** done of total in percent (0–100, whole); null while the total is unknown. */
  percent: number | null;
  /** Items per second since it started; null before the first item. */
  ratePerSecond: number | null;
  /** Seconds left at that rate; null when not running or not yet known. */
  secondsLeft: number | null;
  /** Whether a cancel can still be asked for. */
  cancellable: boolean;
  cancelRequestedAt: string | null;
  cancelRequestedBy: string | null;
  result: Record<string, unknown> | null;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  updatedAt: string;
  finishedAt: string | null;
}

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());

/** Percent, rate and time left from the counts and the clock (the time left assumes the rate so far). */
export function toOperationView(op: OperationRow, now: Date = new Date()): OperationView {
  const handled = op.done + op.failed;
  // A finished run is whole even when fewer items were left to do than were counted when it was
  // asked for (a receipt purged meanwhile, say).
  const percent =
    op.state === 'done' || op.total === 0
      ? 100
      : op.total === null
        ? null
        : Math.min(100, Math.floor((handled * 100) / op.total));
  const end = op.finishedAt ? new Date(op.finishedAt) : now;
  const elapsed = op.startedAt ? (end.getTime() - new Date(op.startedAt).getTime()) / 1000 : 0;
  const ratePerSecond = handled > 0 && elapsed > 0 ? Math.round((handled / elapsed) * 100) / 100 : null;
  const running = op.state === 'running' || op.state === 'cancelling';
  const secondsLeft =
    running && op.total !== null && ratePerSecond
      ? Math.max(0, Math.ceil((op.total - handled) / (handled / elapsed)))
      : null;
  return {
    id: op.id,
    kind: op.kind,
    state: op.state,
    actor: op.actor,
    provinceCode: op.provinceCode,
    sourceKey: op.sourceKey,
    params: op.params,
    total: op.total,
    done: op.done,
    failed: op.failed,
    percent,
    ratePerSecond,
    secondsLeft,
    cancellable: op.state === 'queued' || op.state === 'running',
    cancelRequestedAt: iso(op.cancelRequestedAt),
    cancelRequestedBy: op.cancelRequestedBy,
    result: op.result,
    error: op.error,
    createdAt: iso(op.createdAt)!,
    startedAt: iso(op.startedAt),
    updatedAt: iso(op.updatedAt)!,
    finishedAt: iso(op.finishedAt),
  };
}
