import { ConfigError, loadConfig } from './load-config';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    return (error as ConfigError).problems.map((p) => p.variable);
  }
};

describe('intake and retention variables', () => {
  it('defaults to 8 concurrent bodies per address and 90 days of bodies', () => {
    expect(loadConfig({}).intake).toEqual({
      concurrencyPerAddress: 8,
      waitingPerAddress: 64,
      bodyRetentionDays: 90,
      purgeEveryMs: 3_600_000,
      purgeBatchSize: 500,
      activityEveryMs: 30_000,
      activityKeepHours: 192,
      operationBatch: 500,
      operationPauseMs: 0,
    });
  });

  it('keeps bodies forever with off or 0, takes fractions of a day', () => {
    expect(loadConfig({ RECEIPT_BODY_RETENTION_DAYS: 'off' }).intake.bodyRetentionDays).toBeNull();
    expect(loadConfig({ RECEIPT_BODY_RETENTION_DAYS: 'OFF' }).intake.bodyRetentionDays).toBeNull();
    expect(loadConfig({ RECEIPT_BODY_RETENTION_DAYS: '0' }).intake.bodyRetentionDays).toBeNull();
    expect(loadConfig({ RECEIPT_BODY_RETENTION_DAYS: '0.5' }).intake.bodyRetentionDays).toBe(0.5);
    expect(loadConfig({ RECEIPT_BODY_RETENTION_DAYS: '30' }).intake.bodyRetentionDays).toBe(30);
  });

  it('names each bad value', () => {
    expect(
      problemsOf({
        RECEIPT_BODY_RETENTION_DAYS: '-1',
        WEBHOOK_CONCURRENCY_PER_ADDRESS: '0',
        WEBHOOK_WAITING_PER_ADDRESS: 'many',
        RECEIPT_BODY_PURGE_EVERY_MS: '10',
        ACTIVITY_KEEP_HOURS: '24',
      }),
    ).toEqual([
      'WEBHOOK_CONCURRENCY_PER_ADDRESS',
      'WEBHOOK_WAITING_PER_ADDRESS',
      'RECEIPT_BODY_PURGE_EVERY_MS',
      'ACTIVITY_KEEP_HOURS',
      'RECEIPT_BODY_RETENTION_DAYS',
    ]);
    expect(problemsOf({ RECEIPT_BODY_RETENTION_DAYS: '1e3' })).toEqual(['RECEIPT_BODY_RETENTION_DAYS']);
    expect(problemsOf({ RECEIPT_BODY_RETENTION_DAYS: '40000' })).toEqual(['RECEIPT_BODY_RETENTION_DAYS']);
  });
});
