import { type ConfigProblem, readWholeNumber } from './env-numbers';

/** The knobs of portal sync and reconciliation (docs/sync.md, "Configuration"). */
export interface SyncOptions {
  /** How often the sync tick looks for provinces with work (SYNC_TICK_MS). */
  tickMs: number;
  /** A batch smaller than maxRecords waits until its oldest version is this old (SYNC_LINGER_MS). */
  lingerMs: number;
  maxRecords: number;
  maxBytes: number;
  /** Batches sent at once per province and target (the contract's default in-flight limit is 4). */
  inFlightPerProvince: number;
  /** Rounds of batches one sync job sends before it yields to the next tick. */
  roundsPerJob: number;
  /**
   * A claimed batch not acknowledged by then is taken over and re-sent (a worker died mid-send);
   * its sender renews it every third of that while it works the batch, however slow the portal.
   */
  leaseMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Sends of one batch after which its records become `failed`; 0 = never give up (the default). */
  maxAttempts: number;
  /** Scheduled reconciliation of every province with synced records; 0 = off (RECONCILE_EVERY_MS). */
  reconcileEveryMs: number;
  /** Keys read back from the portal per run when the digests differ (newest synced first). */
  reconcileMaxReadBack: number;
  reconcileConcurrency: number;
}

/** The portal contract's batch limits (national-portal-api.md): 500 records, 5 MiB. */
const PORTAL_MAX_RECORDS = 500;
const PORTAL_MAX_BYTES = 5 * 1024 * 1024;

export const SYNC_DEFAULTS: Readonly<SyncOptions> = {
  tickMs: 1000,
  lingerMs: 1000,
  maxRecords: PORTAL_MAX_RECORDS,
  maxBytes: PORTAL_MAX_BYTES,
  inFlightPerProvince: 4,
  roundsPerJob: 10,
  leaseMs: 30_000,
  backoffBaseMs: 2000,
  backoffMaxMs: 5 * 60_000,
  maxAttempts: 0,
  reconcileEveryMs: 10 * 60_000,
  reconcileMaxReadBack: 5000,
  reconcileConcurrency: 4,
};

/** Variable, smallest and largest allowed value of each knob. */
const SYNC_VARIABLES: Record<keyof SyncOptions, [string, number, number]> = {
  tickMs: ['SYNC_TICK_MS', 50, 3_600_000],
  lingerMs: ['SYNC_LINGER_MS', 0, 3_600_000],
  maxRecords: ['SYNC_BATCH_MAX_RECORDS', 1, PORTAL_MAX_RECORDS],
  maxBytes: ['SYNC_BATCH_MAX_BYTES', 1024, PORTAL_MAX_BYTES],
  inFlightPerProvince: ['SYNC_IN_FLIGHT_PER_PROVINCE', 1, 64],
  roundsPerJob: ['SYNC_ROUNDS_PER_JOB', 1, 10_000],
  leaseMs: ['SYNC_LEASE_MS', 100, 86_400_000],
  backoffBaseMs: ['SYNC_BACKOFF_BASE_MS', 1, 3_600_000],
  backoffMaxMs: ['SYNC_BACKOFF_MAX_MS', 1, 86_400_000],
  maxAttempts: ['SYNC_MAX_ATTEMPTS', 0, 1_000_000],
  reconcileEveryMs: ['RECONCILE_EVERY_MS', 0, 7 * 86_400_000],
  reconcileMaxReadBack: ['RECONCILE_MAX_READ_BACK', 0, 1_000_000],
  reconcileConcurrency: ['RECONCILE_CONCURRENCY', 1, 64],
};

/**
 * Reads the sync variables (every one optional, a whole number within its range). Problems are
 * collected as the hub's configuration collects them, so a bad value stops the process at start
 * with the variable named.
 */
export function readSyncOptions(
  env: Record<string, string | undefined>,
  problems: ConfigProblem[],
): SyncOptions {
  const options = { ...SYNC_DEFAULTS };
  for (const [field, [variable, min, max]] of Object.entries(SYNC_VARIABLES) as Array<
    [keyof SyncOptions, [string, number, number]]
  >) {
    options[field] = readWholeNumber(env, problems, variable, options[field], min, max);
  }
  return options;
}
