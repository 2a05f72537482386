import { type ConfigProblem, readWholeNumbers, type WholeNumberVariable } from './env-numbers';

/**
 * Signed callbacks to provincial systems and the alerts the hub raises (docs/operations.md,
 * "Callbacks" and "Alerts"). Every variable is optional.
 */
export interface NotifyOptions {
  /**
   * Delays before each retry of a callback that was not answered 2xx (CALLBACK_RETRY_DELAYS_SECONDS).
   * The default starts at 10 s and grows to 8 h, about 30 h in all: the contract asks for the first
   * retry within 30 s and retries for at least 24 h.
   */
  callbackRetryDelaysSeconds: number[];
  /** How long a province's callback URL has to answer (CALLBACK_TIMEOUT_MS; the contract says 10 s). */
  callbackTimeoutMs: number;
  /** How often each worker looks for new callback events and lost delivery jobs (CALLBACK_SCAN_EVERY_MS). */
  callbackScanEveryMs: number;
  /** How often the alerts are checked (ALERT_CHECK_EVERY_MS, at most a minute). */
  alertCheckEveryMs: number;
  /** QUARANTINE_RATE: share of a source's records in the last hour that were quarantined (ALERT_QUARANTINE_RATE). */
  quarantineRate: number;
  /** QUARANTINE_RATE is not raised for a source with fewer records than this in the hour (ALERT_QUARANTINE_MIN_RECORDS). */
  quarantineMinRecords: number;
  /** SYNC_LAG: the oldest `ready` version is older than this (ALERT_SYNC_LAG_SECONDS). */
  syncLagSeconds: number;
  /** CALLBACK_FAILING: a delivery has failed and stayed undelivered this long (ALERT_CALLBACK_FAILING_SECONDS). */
  callbackFailingSeconds: number;
  /** PORTAL_UNREACHABLE: the portal has not answered the hub's probe for this long (ALERT_PORTAL_UNREACHABLE_SECONDS). */
  portalUnreachableSeconds: number;
}

export const NOTIFY_DEFAULTS: Readonly<NotifyOptions> = {
  callbackRetryDelaysSeconds: [10, 30, 60, 300, 900, 1800, 3600, 7200, 14400, 21600, 28800, 28800],
  callbackTimeoutMs: 10_000,
  callbackScanEveryMs: 2_000,
  alertCheckEveryMs: 60_000,
  quarantineRate: 0.2,
  quarantineMinRecords: 20,
  syncLagSeconds: 900,
  callbackFailingSeconds: 600,
  portalUnreachableSeconds: 120,
};

const WHOLE_NUMBERS: ReadonlyArray<WholeNumberVariable<NotifyOptions>> = [
  ['callbackTimeoutMs', 'CALLBACK_TIMEOUT_MS', 100, 60_000],
  ['callbackScanEveryMs', 'CALLBACK_SCAN_EVERY_MS', 100, 60_000],
  ['alertCheckEveryMs', 'ALERT_CHECK_EVERY_MS', 100, 60_000],
  ['quarantineMinRecords', 'ALERT_QUARANTINE_MIN_RECORDS', 1, 1_000_000],
  ['syncLagSeconds', 'ALERT_SYNC_LAG_SECONDS', 1, 30 * 86_400],
  ['callbackFailingSeconds', 'ALERT_CALLBACK_FAILING_SECONDS', 0, 30 * 86_400],
  ['portalUnreachableSeconds', 'ALERT_PORTAL_UNREACHABLE_SECONDS', 0, 30 * 86_400],
];

/** Reads the callback and alert variables; problems name the variable, as the hub's configuration does. */
export function readNotifyOptions(
  env: Record<string, string | undefined>,
  problems: ConfigProblem[],
): NotifyOptions {
  const options = readWholeNumbers(env, problems, NOTIFY_DEFAULTS, WHOLE_NUMBERS);
  const rate = env.ALERT_QUARANTINE_RATE?.trim();
  if (rate) {
    const value = Number(rate);
    if (!/^(0(\.\d+)?|1(\.0+)?)$/.test(rate) || value <= 0) {
      problems.push({
        variable: 'ALERT_QUARANTINE_RATE',
        message: `must be a share above 0 and at most 1, such as 0.2 (got "${rate}")`,
      });
    } else options.quarantineRate = value;
  }
  const delays = env.CALLBACK_RETRY_DELAYS_SECONDS?.trim();
  if (delays) {
    const parts = delays.split(',').map((p) => p.trim());
    if (parts.length === 0 || parts.some((p) => !/^\d{1,6}$/.test(p) || Number(p) < 1)) {
      problems.push({
        variable: 'CALLBACK_RETRY_DELAYS_SECONDS',
        message: `must be whole seconds from 1 to 999999 separated by commas, such as 10,30,60 (got "${delays}")`,
      });
    } else options.callbackRetryDelaysSeconds = parts.map(Number);
  }
  return options;
}
