import { ConfigError, readSyncOptions, type SyncOptions } from '@txng/common';

export { type SyncOptions } from '@txng/common';

/** Injection token: the options come from HubConfig.sync; tests (and embedders) override them. */
export const SYNC_OPTIONS = Symbol('SYNC_OPTIONS');

/** Sync options from an environment map plus overrides (tests); throws ConfigError naming bad variables. */
export function loadSyncOptions(
  env: Record<string, string | undefined> = process.env,
  overrides: Partial<SyncOptions> = {},
): SyncOptions {
  const problems: Array<{ variable: string; message: string }> = [];
  const options = readSyncOptions(env, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return { ...options, ...overrides };
}
