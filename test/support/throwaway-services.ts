import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { freePort } from './ports';

/**
 * A PostgreSQL cluster and a Redis server of a test's own, on free loopback ports, for the suites
 * that stop, crash or wipe them. The machine's shared PostgreSQL and Redis serve every other
 * engineer's tests and are never touched. Each is torn down by `destroy()` (call it in afterAll)
 * and, should the test process end without that, by an exit hook.
 */

const PG_BIN = process.env.TXNG_PG_BIN ?? '/usr/lib/postgresql/15/bin';
/** initdb and postgres refuse to run as root; the cluster belongs to this user. */
const PG_USER = 'postgres';

export interface ThrowawayPostgres {
  port: number;
  /** A database URL on this cluster (`postgres` user, trust authentication). */
  url(database: string): string;
  /** Stops the server: `immediate` is a crash (recovery from WAL at the next start). */
  stop(mode?: 'immediate' | 'fast'): void;
  start(): void;
  isRunning(): boolean;
  /** Stops it and deletes its data directory. */
  destroy(): void;
}

export interface ThrowawayRedis {
  port: number;
  url: string;
  /** SIGKILL: with no persistence, everything it held is gone. */
  kill(): Promise<void>;
  /** Starts an empty server on the same port. */
  start(): Promise<void>;
  isRunning(): boolean;
  destroy(): Promise<void>;
}

const cleanups = new Set<() => void>();
let exitHookSet = false;
function onExit(cleanup: () => void): () => void {
  if (!exitHookSet) {
    exitHookSet = true;
    process.once('exit', () => {
      for (const c of cleanups) c();
    });
  }
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

const asPostgres = (args: string[]): string[] => ['-u', PG_USER, '--', ...args];

export async function startThrowawayPostgres(): Promise<ThrowawayPostgres> {
  const port = await freePort();
  const dir = mkdtempSync('/tmp/txng-reliability-pg-');
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) execFileSync('chown', [PG_USER, dir]);
  const run = (bin: string, args: string[], check = true): void => {
    const command = asRoot ? 'runuser' : join(PG_BIN, bin);
    const argv = asRoot ? asPostgres([join(PG_BIN, bin), ...args]) : args;
    const result = spawnSync(command, argv, { encoding: 'utf8', timeout: 60_000 });
    if (check && result.status !== 0) {
      throw new Error(
        `${bin} ${args.join(' ')} failed (${result.status ?? result.signal}): ${result.stderr || result.stdout}`,
      );
    }
  };
  // fsync off: the cluster is crashed as a process (stop -m immediate), never as a machine, and
  // the page cache keeps what was written, so recovery is still real; only cheaper on 2 cores.
  run('initdb', ['-D', data, '-A', 'trust', '-U', PG_USER, '-E', 'UTF8', '--no-sync']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
  let running = false;
  const pg: ThrowawayPostgres = {
    port,
    url: (database) => `postgres://${PG_USER}@127.0.0.1:${port}/${database}`,
    start: () => {
      run('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start']);
      running = true;
    },
    stop: (mode = 'immediate') => {
      if (!running) return;
      run('pg_ctl', ['-D', data, '-m', mode, '-w', '-t', '60', 'stop'], false);
      running = false;
    },
    isRunning: () => running,
    destroy: () => {
      pg.stop('immediate');
      rmSync(dir, { recursive: true, force: true });
      forget();
    },
  };
  const forget = onExit(() => pg.destroy());
  pg.start();
  return pg;
}

export async function startThrowawayRedis(): Promise<ThrowawayRedis> {
  const port = await freePort();
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  const redis: ThrowawayRedis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    start: async () => {
      if (child) return;
      const started = spawn(
        'redis-server',
        [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--save',
          '',
          '--appendonly',
          'no',
          '--loglevel',
          'warning',
        ],
        { stdio: 'ignore' },
      );
      child = started;
      exited = new Promise((resolve) => started.once('exit', () => resolve()));
      await waitForPort(port, 10_000);
    },
    kill: async () => {
      if (!child) return;
      child.kill('SIGKILL');
      await exited;
      child = null;
    },
    isRunning: () => child !== null,
    destroy: async () => {
      await redis.kill();
      forget();
    },
  };
  const forget = onExit(() => {
    child?.kill('SIGKILL');
  });
  await redis.start();
  return redis;
}

/** Resolves once something accepts connections on the loopback port. */
export async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ port, host: '127.0.0.1' });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
