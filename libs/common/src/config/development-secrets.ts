import { randomBytes } from 'node:crypto';
import { chmodSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type HubConfig } from './hub-config';

/**
 * Where development keeps the secrets it makes for itself, relative to the working directory of the
 * process (git- and docker-ignored). Every role started from the same directory (gateway, worker,
 * cli, the demo's children) finds the same files.
 */
export const DEVELOPMENT_DIR = '.txng';
export const DEVELOPMENT_SECRET_KEY_FILE = join(DEVELOPMENT_DIR, 'secret-key');

/**
 * A secret kept in a file only its owner may read, in a directory only its owner may enter: read
 * when it is there and valid, made otherwise. Processes starting together (a gateway and a worker)
 * must end with the same secret, so a new one is written to a temporary file and hard-linked into
 * place, which fails when another process got there first; the loser then reads the winner's.
 */
export function readOrCreateSecretFile(
  file: string,
  make: () => string,
  valid: (value: string) => boolean,
): { value: string; created: boolean } {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  chmodSync(dirname(file), 0o700);
  const existing = readSecret(file);
  if (existing !== null && valid(existing)) {
    chmodSync(file, 0o600);
    return { value: existing, created: false };
  }
  const value = make();
  const temporary = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(temporary, `${value}\n`, { mode: 0o600, flag: 'wx' });
  try {
    // An unusable file (empty, truncated by hand) is replaced; a missing one is only ever created.
    if (existing === null) linkSync(temporary, file);
    else renameSync(temporary, file);
    return { value, created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const winner = readSecret(file);
    if (winner === null || !valid(winner)) throw error;
    chmodSync(file, 0o600);
    return { value: winner, created: false };
  } finally {
    rmSync(temporary, { force: true });
  }
}

function readSecret(file: string): string | null {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/**
 * Outside production, HUB_SECRET_KEY may be unset so that `npm start` works on a fresh clone. The
 * key is then random, made once per working directory and kept in `.txng/secret-key` (never a
 * constant of the source code, which anyone could read). Returns the file, and whether it was made
 * now, so the process can say so; with HUB_SECRET_KEY set (or in production, where it is required)
 * the configuration is returned as it is.
 */
export function withDevelopmentSecretKey(
  config: HubConfig,
  cwd = process.cwd(),
): { config: HubConfig; keyFile: string | null; created: boolean } {
  if (!config.secretKeyGenerated || config.nodeEnv === 'production') {
    return { config, keyFile: null, created: false };
  }
  const keyFile = join(cwd, DEVELOPMENT_SECRET_KEY_FILE);
  const { value, created } = readOrCreateSecretFile(
    keyFile,
    () => randomBytes(32).toString('base64url'),
    (key) => key.length >= 32,
  );
  return { config: { ...config, secretKey: value }, keyFile, created };
}
