import { config as loadDotenv } from 'dotenv';
import { withDevelopmentSecretKey } from '../config/development-secrets';
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
  let development: ReturnType<typeof withDevelopmentSecretKey>;
  try {
    development = withDevelopmentSecretKey(config);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    process.stderr.write(
      `txng-hub ${role}: HUB_SECRET_KEY is not set and the development key cannot be kept in .txng/ (${why}); ` +
        'set HUB_SECRET_KEY (at least 32 characters) or start from a writable directory.\n',
    );
    process.exit(78);
  }
  config = development.config;
  if (development.keyFile) {
    // One line, on stderr (the cli's stdout may be piped); the path, never the key.
    process.stderr.write(
      `txng-hub ${role}: HUB_SECRET_KEY is not set; stored credentials are encrypted with the development key ` +
        `${development.created ? 'made now in' : 'kept in'} ${development.keyFile} (readable by you only). ` +
        'Set HUB_SECRET_KEY outside development.\n',
    );
  }
  start(config).catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`txng-hub ${role}: failed to start: ${message}\n`);
    process.exit(1);
  });
}
