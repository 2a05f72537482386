import 'reflect-metadata';
import { closeOnSignals } from '@txng/common/process/shutdown';
import { loadSimConfig, SimConfigError } from './config/sim-config';
import { startPortalSim } from './create-portal-sim';

const say = (message: string): void => void process.stdout.write(`txng-hub portal-sim: ${message}\n`);

async function main(): Promise<void> {
  let config;
  try {
    config = loadSimConfig(process.env);
  } catch (error) {
    if (error instanceof SimConfigError) {
      process.stderr.write(`txng-hub portal-sim: ${error.message}\n`);
      process.exit(78); // EX_CONFIG, as runMain does for the hub's own processes
    }
    throw error;
  }
  const sim = await startPortalSim(config);
  closeOnSignals(sim.app, say);
  say(
    `National Portal simulator listening on ${sim.url} (in-memory storage; ${sim.context.registry.size} registered prefixes; admin at ${sim.url}/__sim/faults)`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(
    `txng-hub portal-sim: failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
