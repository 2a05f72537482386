#!/usr/bin/env node
// `npm run demo` on a fresh clone: installs dependencies when node_modules is missing, builds the
// hub when a bundle is missing or stale (or with --rebuild), then runs the demo orchestrator
// (apps/demo) with the remaining arguments. Plain JavaScript so it runs before anything is built.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDependencies } from './ensure-deps.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const say = (line) => process.stdout.write(`demo: ${line}\n`);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

const run = (command, args) => {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write(`demo: \`${command} ${args.join(' ')}\` failed (exit ${result.status ?? result.signal})\n`);
    process.exit(1);
  }
};

let args = process.argv.slice(2);
const rebuild = args.includes('--rebuild');
args = args.filter((a) => a !== '--rebuild');

ensureDependencies(say);

// Build when a bundle is missing or older than any source it is built from (a `git pull` since the
// last build), so the demo never runs stale code; --rebuild forces it.
const BUNDLES = ['gateway', 'worker', 'cli', 'portal-sim', 'province-sim', 'demo']
  .map((app) => join(root, 'dist', 'apps', app, 'main.js'))
  .concat(join(root, 'dist', 'admin-ui', 'index.html'));
const newestSource = (dir) => {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
};
const oldestBundle = Math.min(...BUNDLES.map((file) => (existsSync(file) ? statSync(file).mtimeMs : 0)));
const sources = Math.max(newestSource(join(root, 'apps')), newestSource(join(root, 'libs')));
if (rebuild || oldestBundle === 0 || sources > oldestBundle) {
  say(oldestBundle === 0 ? 'building the hub (first run)…' : 'sources changed since the last build: building…');
  run(npm, ['run', 'build']);
}

const built = join(root, 'dist', 'apps', 'demo', 'main.js');
const child = spawn(process.execPath, [built, ...args], { cwd: root, stdio: 'inherit' });
// Ctrl-C reaches both processes from the terminal; forwarding covers a signal sent to this one only
// (the orchestrator ignores a repeated signal while it is stopping).
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
