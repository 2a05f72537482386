import { type RunningProcess, startBuilt } from './processes';

/** `one-process`: `gateway/main.js --with-workers` (npm start); `split`: `gateway/main.js` + `worker/main.js`. */
export type Topology = 'one-process' | 'split';
export type Role = 'gateway' | 'worker';

export interface HubFleet {
  topology: Topology;
  /** The gateway's base URL; the port stays the same across restarts. */
  url: string;
  /** kill -9 of the processes playing these roles (in one process, either role is the process). */
  kill(roles: Role[]): Promise<void>;
  /** Starts whichever process is not running and waits until each says it is up. */
  start(): Promise<void>;
  /** kill -9 of everything still running (teardown; safe to call twice). */
  destroy(): Promise<void>;
  /** The last lines each process wrote, for a failing test's message. */
  tail(lines?: number): string;
}

const READY: Record<'hub' | 'gateway' | 'worker', RegExp> = {
  hub: /listening on/,
  gateway: /listening on/,
  worker: /worker running/,
};

/**
 * The built hub (`npm run build` first) as real processes on loopback, which a test can kill -9
 * and start again on the same database, Redis and port.
 */
/**
 * What every reliability suite's hub runs with beside its database and Redis: the simulator as its
 * portal, the shared admin token, a fixed secret key (restarted processes must open what the last
 * one sealed) and no prefix registry (the simulator's registry is not what these suites test).
 */
export function reliabilityHubSettings(portalUrl: string, adminToken: string): Record<string, string> {
  return {
    PORTAL_BASE_URL: portalUrl,
    HUB_ADMIN_TOKEN: adminToken,
    HUB_SECRET_KEY: 'reliability-secret-key-0123456789abcdef',
    PREFIX_REGISTRY_CHECK: 'off',
  };
}

export function hubFleet(topology: Topology, port: number, env: Record<string, string>): HubFleet {
  const names = topology === 'one-process' ? (['hub'] as const) : (['gateway', 'worker'] as const);
  const running = new Map<string, RunningProcess>();
  const history: string[] = [];
  const spawnOne = (name: 'hub' | 'gateway' | 'worker'): RunningProcess =>
    name === 'worker'
      ? startBuilt('worker', [], env)
      : startBuilt('gateway', name === 'hub' ? ['--with-workers'] : [], { ...env, PORT: String(port) });
  const processOf = (role: Role): 'hub' | Role => (topology === 'one-process' ? 'hub' : role);

  const killOne = async (name: string): Promise<void> => {
    const proc = running.get(name);
    if (!proc) return;
    running.delete(name);
    history.push(`--- ${name} (killed)\n${proc.output().split('\n').slice(-40).join('\n')}`);
    if (proc.child.exitCode === null && proc.child.signalCode === null) {
      proc.child.kill('SIGKILL');
      await proc.exited(10_000);
    }
  };

  return {
    topology,
    url: `http://127.0.0.1:${port}`,
    kill: async (roles) => {
      for (const name of new Set(roles.map(processOf))) await killOne(name);
    },
    start: async () => {
      const started: Array<Promise<void>> = [];
      for (const name of names) {
        if (running.has(name)) continue;
        const proc = spawnOne(name);
        running.set(name, proc);
        started.push(proc.waitFor(READY[name], 120_000));
      }
      await Promise.all(started);
    },
    destroy: async () => {
      for (const name of [...running.keys()]) await killOne(name);
    },
    tail: (lines = 30) =>
      [
        ...history.slice(-4),
        ...[...running].map(([n, p]) => `--- ${n}\n${p.output().split('\n').slice(-lines).join('\n')}`),
      ].join('\n'),
  };
}
