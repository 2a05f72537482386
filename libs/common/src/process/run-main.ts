import { config as loadDotenv } from 'dotenv';
import { ConfigError, loadConfig } from '../config/load-config';
import { type HubConfig } from '../config/hub-config';

/**
 * Common start-up for every process: validate the environment first and stop at once, with a
 * message naming each bad variable, before any connection is attempted. Any other start-up failure
 * also stops the process with its message and a non-zero exit code.
 */
export function runMain(role: string, start: (config: HubConfig) => Promise<void>): void {
  // A .env file may supply variables; real environment variables win over it.
  loadDotenv({ quiet: true });
  let config: HubConfig;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`txng-hub ${role}: ${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  start(config).catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`txng-hub ${role}: failed to start: ${message}\n`);
    process.exit(1);
  });
}
