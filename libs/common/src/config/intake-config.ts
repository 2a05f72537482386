import { type ConfigProblem, readWholeNumbers, type WholeNumberVariable } from './env-numbers';

/** Webhook intake's per-address limits and the retention of receipt bodies (docs/ingest.md). */
export interface IntakeOptions {
  /** Webhook bodies one client address may have being read or verified at once, per gateway process. */
  concurrencyPerAddress: number;
  /** Deliveries of one address that may wait for a slot; more are refused at once with 429. */
  waitingPerAddress: number;
  /**
   * Days a processed receipt keeps its raw body (RECEIPT_BODY_RETENTION_DAYS); null keeps bodies
   * forever (`off` or `0`). The digest, the receipt row and its records stay either way.
   */
  bodyRetentionDays: number | null;
  /** How often the maintenance queue purges expired bodies (RECEIPT_BODY_PURGE_EVERY_MS). */
  purgeEveryMs: number;
  /** Bodies purged per statement; a run goes on batch by batch until none is left. */
  purgeBatchSize: number;
  /** How often the maintenance queue rolls up the charts' per-minute activity (ACTIVITY_ROLLUP_EVERY_MS). */
  activityEveryMs: number;
  /** Hours of per-minute activity kept for the charts (ACTIVITY_KEEP_HOURS). */
  activityKeepHours: number;
  /**
   * Items a long operation (replay, bulk decision, backfill) takes per batch (OPERATION_BATCH): its
   * progress and a cancel are taken between batches (docs/operations.md, "Long work").
   */
  operationBatch: number;
  /** Pause between two batches of a long operation (OPERATION_PAUSE_MS): the throttle of bulk work. */
  operationPauseMs: number;
}

export const INTAKE_DEFAULTS: Readonly<IntakeOptions> = {
  concurrencyPerAddress: 8,
  waitingPerAddress: 64,
  bodyRetentionDays: 90,
  purgeEveryMs: 3_600_000,
  purgeBatchSize: 500,
  activityEveryMs: 30_000,
  activityKeepHours: 192,
  operationBatch: 500,
  operationPauseMs: 0,
};

const WHOLE_NUMBERS: ReadonlyArray<WholeNumberVariable<IntakeOptions>> = [
  ['concurrencyPerAddress', 'WEBHOOK_CONCURRENCY_PER_ADDRESS', 1, 10_000],
  ['waitingPerAddress', 'WEBHOOK_WAITING_PER_ADDRESS', 0, 100_000],
  ['purgeEveryMs', 'RECEIPT_BODY_PURGE_EVERY_MS', 1000, 7 * 86_400_000],
  ['purgeBatchSize', 'RECEIPT_BODY_PURGE_BATCH', 1, 10_000],
  ['activityEveryMs', 'ACTIVITY_ROLLUP_EVERY_MS', 1000, 3_600_000],
  ['activityKeepHours', 'ACTIVITY_KEEP_HOURS', 25, 24 * 366],
  ['operationBatch', 'OPERATION_BATCH', 1, 10_000],
  ['operationPauseMs', 'OPERATION_PAUSE_MS', 0, 60_000],
];

/** Longest retention accepted: a hundred years is "forever" said with a number. */
const MAX_RETENTION_DAYS = 36_500;

/**
 * Reads the intake and retention variables (every one optional); problems are collected as the
 * hub's configuration collects them, so a bad value stops the process at start with its name.
 */
export function readIntakeOptions(
  env: Record<string, string | undefined>,
  problems: ConfigProblem[],
): IntakeOptions {
  const options = readWholeNumbers(env, problems, INTAKE_DEFAULTS, WHOLE_NUMBERS);
  const retention = env.RECEIPT_BODY_RETENTION_DAYS?.trim();
  if (retention) {
    const days = Number(retention);
    if (retention.toLowerCase() === 'off' || (/^0+(\.0+)?$/.test(retention) && days === 0)) {
      options.bodyRetentionDays = null;
    } else if (!/^\d+(\.\d+)?$/.test(retention) || days <= 0 || days > MAX_RETENTION_DAYS) {
      problems.push({
        variable: 'RECEIPT_BODY_RETENTION_DAYS',
        message: `must be a number of days greater than 0 and at most ${MAX_RETENTION_DAYS} (fractions allowed), or "off" / 0 to keep bodies forever (got "${retention}")`,
      });
    } else {
      options.bodyRetentionDays = days;
    }
  }
  return options;
}
