import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { DEVELOPMENT_DIR, type HubConfig, readOrCreateSecretFile } from '@txng/common';

/** Where `npm start` keeps the development admin token (git-ignored, readable by its owner only). */
export const DEVELOPMENT_TOKEN_FILE = join(DEVELOPMENT_DIR, 'admin-token');

/**
 * In development without HUB_ADMIN_TOKEN, nobody could sign in to /admin. Rather than print a
 * secret to the log, the gateway keeps a random token in a file only its owner can read (made once,
 * reused on restart, beside the development secret key) and logs the file's path. Production
 * requires HUB_ADMIN_TOKEN (load-config).
 */
export function withDevelopmentAdminToken(
  config: HubConfig,
  cwd = process.cwd(),
): { config: HubConfig; tokenFile: string | null } {
  if (config.adminToken !== null || config.nodeEnv !== 'development') return { config, tokenFile: null };
  const file = join(cwd, DEVELOPMENT_TOKEN_FILE);
  const { value } = readOrCreateSecretFile(
    file,
    () => `dev_${randomBytes(24).toString('base64url')}`,
    (token) => token.length >= 16,
  );
  return { config: { ...config, adminToken: value }, tokenFile: file };
}
