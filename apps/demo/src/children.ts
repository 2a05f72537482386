import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** A child process of the demo whose output is passed through, each line prefixed with its name. */
export class Child {
  private output = '';
  private readonly exit: Promise<number | null>;
  readonly process: ChildProcess;

  constructor(
    readonly name: string,
    command: string,
    args: string[],
    env: NodeJS.ProcessEnv,
    cwd: string,
    private readonly echo: (line: string) => void,
  ) {
    // Its own process group: Ctrl-C in the terminal reaches the demo only, which then stops the
    // children one by one, in order (a second signal would make the hub exit without finishing).
    this.process = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    process.once('exit', () => {
      if (this.running) this.process.kill('SIGTERM');
    });
    let partial = '';
    const onData = (chunk: Buffer): void => {
      const text = partial + chunk.toString('utf8');
      this.output = (this.output + chunk.toString('utf8')).slice(-20_000);
      const lines = text.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) echo(`[${name}] ${line}`);
    };
    this.process.stdout?.on('data', onData);
    this.process.stderr?.on('data', onData);
    this.exit = new Promise((resolve) =>
      this.process.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : null))),
    );
  }

  get running(): boolean {
    return this.process.exitCode === null && this.process.signalCode === null;
  }

  recentOutput(): string {
    return this.output;
  }

  exited(): Promise<number | null> {
    return this.exit;
  }

  async waitFor(pattern: RegExp, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.output)) {
      if (!this.running) throw new Error(`${this.name} exited before it was ready`);
      if (Date.now() > deadline) throw new Error(`${this.name} was not ready within ${timeoutMs / 1000} s`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** SIGTERM, wait up to `graceMs`, then SIGKILL. Answers the exit code. */
  async stop(graceMs = 35_000): Promise<number | null> {
    if (!this.running) return this.process.exitCode;
    this.process.kill('SIGTERM');
    const timer = setTimeout(() => {
      this.echo(`[${this.name}] did not stop within ${graceMs / 1000} s: killing it`);
      this.process.kill('SIGKILL');
    }, graceMs);
    const code = await this.exit;
    clearTimeout(timer);
    return code;
  }
}

/**
 * How to run one of the repository's apps: its built bundle (dist/apps/<app>/main.js) when there is
 * one, else — for the demo's own apps before they are built — the TypeScript source through the
 * repository's small swc runner (test/bench/run-ts.js), which needs only the dev dependencies.
 */
export function appCommand(root: string, app: string, tsEntry?: string): { command: string; args: string[] } {
  const built = join(root, 'dist', 'apps', app, 'main.js');
  if (existsSync(built)) return { command: process.execPath, args: [built] };
  if (tsEntry && existsSync(join(root, tsEntry)))
    return { command: process.execPath, args: [join(root, 'test/bench/run-ts.js'), join(root, tsEntry)] };
  throw new Error(`${built} is missing: build it with \`npx nest build ${app}\` (npm run demo does)`);
}

/** Waits until `url` answers 2xx; fails when `child` exits first or after `timeoutMs`. */
export async function waitReady(url: string, child: Child, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!child.running) throw new Error(`${child.name} exited before it was ready`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
