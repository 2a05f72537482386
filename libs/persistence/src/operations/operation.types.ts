export const OPERATION_KINDS = ['replay', 'reconciliation', 'poll-backfill', 'conflict-resolve'] as const;
export type OperationKind = (typeof OPERATION_KINDS)[number];

export const OPERATION_STATES = ['queued', 'running', 'cancelling', 'done', 'failed', 'cancelled'] as const;
export type OperationState = (typeof OPERATION_STATES)[number];

/** States an operation ends in; nothing changes it after. */
export const FINISHED_STATES: readonly OperationState[] = ['done', 'failed', 'cancelled'];

/**
 * Kinds a province token may see and cancel, for its provinces only: those it may start itself
 * (a replay of one of its sources, a reconciliation of its province, a backfill of its source).
 * Conflict decisions change the other province's record too, so they stay the Center's.
 */
export const PROVINCE_OPERATION_KINDS: readonly OperationKind[] = [
  'replay',
  'reconciliation',
  'poll-backfill',
];

/** An operation as stored (`operation`). */
export interface OperationRow {
  id: string;
  kind: OperationKind;
  actor: string;
  provinceCode: string | null;
  sourceKey: string | null;
  params: Record<string, unknown>;
  state: OperationState;
  /** Items to do; null while not yet known. */
  total: number | null;
  done: number;
  failed: number;
  result: Record<string, unknown> | null;
  error: string | null;
  cancelRequestedAt: Date | null;
  cancelRequestedBy: string | null;
  createdAt: Date;
  startedAt: Date | null;
  updatedAt: Date;
  finishedAt: Date | null;
}

export interface NewOperation {
  id: string;
  kind: OperationKind;
  actor: string;
  provinceCode?: string | null;
  sourceKey?: string | null;
  params?: Record<string, unknown>;
  total?: number | null;
}

/** What a started operation learns after each item or batch: whether to go on. */
export interface OperationTick {
  state: OperationState;
  cancelRequested: boolean;
}

export interface OperationFilter {
  kind?: OperationKind;
  state?: OperationState;
  sourceKey?: string;
  provinceCode?: string;
  /** Only queued, running or cancelling ones. */
  unfinished?: boolean;
  /** Keyset: operations created before the one of this id. */
  before?: { createdAt: Date; id: string };
  limit: number;
}
