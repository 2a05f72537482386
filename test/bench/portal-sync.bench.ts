import { CircuitBreakerRegistry, PortalClient } from '@txng/portal-client';
import { loadSimConfig } from '../../apps/portal-sim/src/config/sim-config';
import { startPortalSim } from '../../apps/portal-sim/src/create-portal-sim';
import { organization, type SampleRecord } from '../../apps/portal-sim/src/testing/sample-records';

/**
 * Portal sync throughput: PortalClient pushing 500-record batches to the simulator on loopback,
 * with and without 10 % of batch calls failing (500/502/503/504, retried with backoff), under the
 * contract's 20 requests/s and with both limits lifted (what client + simulator can do at most).
 * Prints figures; asserts nothing.
 */
interface Scenario {
  name: string;
  errorRate: number;
  ratePerSecond: number;
  batches: number;
}

const PROVINCES = ['92', '79', '01', '48'];

async function runScenario(s: Scenario): Promise<string> {
  const sim = await startPortalSim(
    loadSimConfig({}, { port: 0, logLevel: 'silent', rateLimitPerSecond: s.ratePerSecond === 20 ? 20 : 0 }),
  );
  const client = new PortalClient(
    { baseUrl: sim.url, clientId: 'txng-hub-dev', clientSecret: 'txng-hub-dev-secret' },
    {
      ratePerSecond: s.ratePerSecond,
      retry: { maxAttempts: 8, baseDelayMs: 50, maxDelayMs: 1000 },
      breaker: { failureThreshold: 50 },
      breakers: new CircuitBreakerRegistry(),
    },
  );
  try {
    await fetch(`${sim.url}/__sim/faults`, {
      method: 'POST',
      headers: { 'x-sim-admin': 'sim-admin', 'content-type': 'application/json' },
      body: JSON.stringify({ errorRate: s.errorRate }),
    });
    // Records are built before the clock starts: the figure is the sync path, not the fixtures.
    const perProvince = Math.ceil(s.batches / PROVINCES.length) * 500;
    const work = PROVINCES.map((p, i): [string, SampleRecord[]] => [
      p,
      Array.from({ length: perProvince }, (_, n) => organization(i * 1_000_000 + n, p)),
    ]);
    const started = process.hrtime.bigint();
    const results = await Promise.all(work.map(([p, records]) => client.pushBatch(p, records)));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const batches = results.reduce((a, r) => a + r.batches.length, 0);
    const records = results.reduce((a, r) => a + r.results.filter((x) => x.status === 'accepted').length, 0);
    const stats = (await (
      await fetch(`${sim.url}/__sim/stats`, { headers: { 'x-sim-admin': 'sim-admin' } })
    ).json()) as { calls: Record<string, number> };
    const failures = Object.entries(stats.calls)
      .filter(([k]) => /batches 5\d\d$/.test(k))
      .reduce((a, [, v]) => a + v, 0);
    return `${s.name.padEnd(44)} ${String(batches).padStart(4)} batches ${String(records).padStart(6)} records in ${seconds.toFixed(2)} s: ${(batches / seconds).toFixed(1)} batches/s, ${Math.round(records / seconds)} records/s (${failures} injected 5xx retried)`;
  } finally {
    await client.close();
    await sim.close();
  }
}

export async function main(): Promise<void> {
  const scenarios: Scenario[] = [
    { name: 'contract limit 20 req/s, no errors', errorRate: 0, ratePerSecond: 20, batches: 60 },
    { name: 'contract limit 20 req/s, 10% 5xx', errorRate: 0.1, ratePerSecond: 20, batches: 60 },
    { name: 'limits lifted, no errors', errorRate: 0, ratePerSecond: 100_000, batches: 120 },
    { name: 'limits lifted, 10% 5xx', errorRate: 0.1, ratePerSecond: 100_000, batches: 120 },
  ];
  process.stdout.write(
    `portal sync benchmark (500-record batches, ${PROVINCES.length} provinces, 4 in flight per province, loopback)\n`,
  );
  for (const s of scenarios) process.stdout.write(`${await runScenario(s)}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
