import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type TestEnv } from './test-env';

export const DIST = join(__dirname, '..', '..', 'dist', 'apps');

export interface RunningProcess {
  child: ChildProcess;
  output(): string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  exited(timeoutMs?: number): Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * The environment a built hub process (gateway, worker, cli) needs to run on a test env's database
 * and Redis prefix, logging warnings only; `extra` adds or overrides variables.
 */
export function hubProcessEnv(env: TestEnv, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    DATABASE_URL: env.databaseUrl,
    REDIS_URL: env.config.redisUrl,
    REDIS_PREFIX: env.redisPrefix,
    LOG_LEVEL: 'warn',
    // Poll sources in e2e tests point at fake provinces on 127.0.0.1 (test-env.ts does the same).
    OUTBOUND_ALLOWLIST: '127.0.0.1',
    ...extra,
  };
}

/** Starts a built hub process (`npm run build` first), capturing stdout and stderr together. */
export function startBuilt(
  app: 'gateway' | 'worker' | 'cli' | 'portal-sim' | 'demo',
  args: string[],
  env: Record<string, string>,
  options: { cwd?: string; nodeArgs?: string[] } = {},
): RunningProcess {
  const script = join(DIST, app, 'main.js');
  if (!existsSync(script))
    throw new Error(`${script} is missing: run \`npm run build\` before the e2e tests`);
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), script, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: options.cwd,
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

  const exited = (timeoutMs = 15_000): Promise<number | null> =>
    Promise.race([
      exit,
      new Promise<never>((_, reject) =>
        setTimeout(
          () => reject(new Error(`process did not exit within ${timeoutMs} ms; output:\n${out}`)),
          timeoutMs,
        ).unref(),
      ),
    ]);

  return {
    child,
    output: () => out,
    exited,
    waitFor: async (pattern, timeoutMs = 30_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(out)) {
        if (child.exitCode !== null)
          throw new Error(`process exited (${child.exitCode}) before ${pattern}; output:\n${out}`);
        if (Date.now() > deadline) throw new Error(`no ${pattern} within ${timeoutMs} ms; output:\n${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null) child.kill(signal);
      return exited();
    },
  };
}
