import { loadSimConfig } from '../../apps/portal-sim/src/config/sim-config';
import { startPortalSim } from '../../apps/portal-sim/src/create-portal-sim';

/**
 * The portal simulator in a process of its own for pipeline.bench.ts (forked through run-ts.js),
 * so its validation does not share the hub's event loop: a free port, quiet, no rate limit.
 * Tells the parent its URL over IPC; answers `{cpu: true}` with its CPU time; stops when the
 * parent disconnects.
 */
export async function main(): Promise<void> {
  const sim = await startPortalSim(
    loadSimConfig({ PORTAL_SIM_PORT: '0', PORTAL_SIM_LOG_LEVEL: 'silent', PORTAL_SIM_RATE_LIMIT: '0' }),
  );
  process.on('message', (message: { cpu?: boolean }) => {
    if (message.cpu) {
      const { user, system } = process.cpuUsage();
      process.send?.({ cpuMs: (user + system) / 1000 });
    }
  });
  process.on('disconnect', () => {
    void sim.close().finally(() => process.exit(0));
  });
  process.send?.({ url: sim.url });
}
