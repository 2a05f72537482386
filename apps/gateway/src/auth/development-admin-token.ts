import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type HubConfig } from '@txng/common';

/** Where `npm start` keeps the development admin token (git-ignored, readable by its owner only). */
export const DEVELOPMENT_TOKEN_FILE = join('.txng', 'admin-token');

/**
 * In development without HUB_ADMIN_TOKEN, nobody could sign in to /admin. Rather than print a
 * secret to the log, the gateway keeps a random token in a file only its owner can read (made once,
 * reused on restart) and logs the file's path. Production requires HUB_ADMIN_TOKEN (load-config).
 */
export function withDevelopmentAdminToken(
  config: HubConfig,
  cwd = process.cwd(),
): { config: HubConfig; tokenFile: string | null } {
  if (config.adminToken !== null || config.nodeEnv !== 'development') return { config, tokenFile: null };
  const file = join(cwd, DEVELOPMENT_TOKEN_FILE);
  let token = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
  if (token.length < 16) {
    token = `dev_${randomBytes(24).toString('base64url')}`;
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, `${token}\n`, { mode: 0o600 });
  }
  chmodSync(file, 0o600);
  return { config: { ...config, adminToken: token }, tokenFile: file };
}
