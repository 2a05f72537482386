#!/usr/bin/env node
// Runs before `npm start`, `npm test` and `npm run demo`: on a fresh clone (no node_modules) or
// after package-lock.json changed since the last install, installs exactly the locked dependencies
// with `npm ci`. Plain JavaScript so it runs before anything is installed.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const lock = join(root, 'package-lock.json');
// npm writes this file at the end of every install: its age is the install's.
const installed = join(root, 'node_modules', '.package-lock.json');

export function ensureDependencies(say = (line) => process.stdout.write(`${line}\n`)) {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 19)) {
    process.stderr.write(`Node.js 20.19 or later is needed (this is ${process.versions.node}).\n`);
    process.exit(1);
  }
  const stale = !existsSync(installed) || statSync(lock).mtimeMs > statSync(installed).mtimeMs;
  if (!stale) return;
  say(existsSync(installed) ? 'package-lock.json changed: installing (npm ci)…' : 'installing dependencies (npm ci)…');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write(`\`npm ci\` failed (exit ${result.status ?? result.signal})\n`);
    process.exit(1);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) ensureDependencies();
