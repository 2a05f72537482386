import {
  type HubLine,
  type PortalHeld,
  type ReconciliationDifference,
  type ReconciliationRunEntity,
} from '@txng/persistence';
import { type PortalTarget } from '@txng/portal-client';

/** Injection token of reconciliation's store (libs/persistence implements it: PgReconciliationRepository). */
export const RECONCILIATION_STORE = Symbol('RECONCILIATION_STORE');

/** What reconciliation needs of storage (docs/sync.md, "Reconciliation"). */
export interface ReconciliationStore {
  syncedProvinces(): Promise<Array<{ provinceCode: string; target: PortalTarget }>>;
  heldKeys(provinceCode: string, target: PortalTarget): Promise<HubLine[]>;
  heldKeysNewestFirst(provinceCode: string, target: PortalTarget): Promise<HubLine[]>;
  latestRuns(provinceCode: string, target: PortalTarget, limit: number): Promise<ReconciliationRunEntity[]>;
  saveRun(run: Partial<ReconciliationRunEntity>): Promise<ReconciliationRunEntity>;
  /** `work` under the one-run-at-a-time lock of the province and target; null when another run holds it. */
  withRunLock<T>(provinceCode: string, target: PortalTarget, work: () => Promise<T>): Promise<T | null>;
  /** Ends the unfinished run of an operation whose work stopped without ending it, with `error`. */
  endRunOfOperation(operationId: string, error: string): Promise<void>;
  /** Puts one differing key right under its record's row lock; returns what was done. */
  repairKey(target: PortalTarget, d: ReconciliationDifference, held: PortalHeld | null): Promise<string>;
}
