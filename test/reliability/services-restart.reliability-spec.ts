import { type RunningPortalSim } from '../../apps/portal-sim/src/create-portal-sim';
import { ADMIN_TOKEN, createActiveSource } from '../support/admin-client';
import { hubFleet, type HubFleet, reliabilityHubSettings, type Topology } from '../support/hub-fleet';
import { simAdmin, startSim } from '../support/portal-sim';
import { freePort } from '../support/ports';
import {
  ackedRecords,
  acceptedByKey,
  deliveryProblems,
  keysOf,
  newOutcome,
  problemKinds,
  planLoad,
  type PlannedWebhook,
  recordFigure,
  sendAll,
  SETTLE_MS,
  sleep,
  timeUntilAccepted,
} from '../support/reliability-load';
import {
  startThrowawayPostgres,
  startThrowawayRedis,
  type ThrowawayPostgres,
  type ThrowawayRedis,
} from '../support/throwaway-services';
import { passThroughSource } from '../support/webhook-sources';

/**
 * PostgreSQL crashed and restarted, and Redis killed and restarted empty, in the middle of a run,
 * while a province keeps sending: every record of every acknowledged webhook must still reach the
 * portal exactly once, in version order. Both servers are throwaway instances this file starts on
 * free loopback ports (test/support/throwaway-services.ts); the machine's shared ones are never
 * touched. RELIABILITY_QUICK=1 runs the one-process hub only.
 */

const QUICK = process.env.RELIABILITY_QUICK === '1';
const TOPOLOGIES: Topology[] = QUICK ? ['one-process'] : ['one-process', 'split'];
const PG_DOWN_MS = Number(process.env.RELIABILITY_PG_DOWN_MS ?? 5000);
const REDIS_DOWN_MS = Number(process.env.RELIABILITY_REDIS_DOWN_MS ?? 3000);

describe.each(TOPOLOGIES)('PostgreSQL and Redis restarted mid-run (%s)', (topology) => {
  let pg: ThrowawayPostgres;
  let redis: ThrowawayRedis;
  let sim: RunningPortalSim;
  let fleet: HubFleet;
  let secret: string;
  const outcome = newOutcome();
  const sent: PlannedWebhook[][] = [];

  beforeAll(async () => {
    pg = await startThrowawayPostgres();
    redis = await startThrowawayRedis();
    sim = await startSim();
    fleet = hubFleet(topology, await freePort(), {
      NODE_ENV: 'test',
      DATABASE_URL: pg.url('txng_reliability'),
      REDIS_URL: redis.url,
      REDIS_PREFIX: 'txng-reliability',
      LOG_LEVEL: 'warn',
      ...reliabilityHubSettings(sim.url, ADMIN_TOKEN),
      OUTBOUND_ALLOWLIST: '127.0.0.1',
    });
    await fleet.start();
    secret = await createActiveSource(fleet.url, passThroughSource('reliability-services', '92'));
  }, 180_000);

  afterAll(async () => {
    await fleet?.destroy();
    await sim?.close();
    await redis?.destroy();
    pg?.destroy();
  });

  /**
   * Sends a phase's load; once a third of it is acknowledged, runs `fault` (which returns when the
   * fault is over); then waits for everything acknowledged so far to be at the portal and checks it.
   */
  async function faultDuringLoad(
    name: string,
    firstItem: number,
    fault: () => Promise<void>,
  ): Promise<{ refusals: string[] }> {
    const groups = planLoad({
      tag: `${name}-${topology}`,
      groups: 20,
      keysPerGroup: 5,
      revisions: 3,
      firstItem,
    });
    sent.push(...groups);
    const before = outcome.acked.size;
    const webhooks = groups.length * groups[0].length;
    const sending = sendAll(fleet.url, 'reliability-services', secret, groups, {
      concurrency: 4,
      pauseMs: [50, 300],
      giveUpMs: 120_000,
      outcome,
    });
    const started = Date.now();
    while (outcome.acked.size - before < webhooks / 3) {
      if (Date.now() - started > 120_000) throw new Error(`intake stalled before ${name}\n${fleet.tail()}`);
      await sleep(20);
    }
    const faultStart = Date.now();
    await fault();
    const faultEnd = Date.now();
    await sending;

    const keys = keysOf(groups);
    const expected = ackedRecords(groups, outcome);
    const settleMs = await timeUntilAccepted(sim, expected, SETTLE_MS, faultEnd, keys);
    await sleep(3000);
    const accepted = await acceptedByKey(sim);
    const problems = deliveryProblems(groups, outcome, accepted, keysOf(sent));
    // What a province was answered while the server was down (and the moment after).
    const refusals = outcome.refusals
      .filter((r) => r.at >= faultStart && r.at <= faultEnd + 2000)
      .map((r) => r.status);
    const stats = (await simAdmin(sim).stats()) as Record<string, unknown>;
    recordFigure({
      suite: 'services',
      fault: name,
      topology,
      downMs: faultEnd - faultStart,
      webhooks,
      records: expected,
      faultEndToAllAtPortalMs: settleMs,
      refusedDuringFault: countBy(refusals),
      portal: { replays: stats.replays, results: stats.results },
      problems: problemKinds(problems),
      firstProblems: problems.slice(0, 3),
    });

    expect(outcome.unacked).toEqual([]);
    if (settleMs === null) {
      const there = [...accepted].filter(([k]) => keys.has(k)).reduce((n, [, v]) => n + v.length, 0);
      throw new Error(
        `${expected} acknowledged records were not all at the portal ${SETTLE_MS} ms after ${name} ended ` +
          `(${there} there)\n${fleet.tail()}`,
      );
    }
    expect(problems).toEqual([]);
    return { refusals };
  }

  it(
    'PostgreSQL crashed and restarted: nothing acknowledged is lost, nothing reaches the portal twice',
    async () => {
      const { refusals } = await faultDuringLoad('postgres-restart', 0, async () => {
        pg.stop('immediate');
        await sleep(PG_DOWN_MS);
        pg.start();
      });
      // While the database is away the hub cannot store, so it must say "come back later": 503,
      // never a 500 that reads as the hub's own bug.
      expect(refusals.filter((s) => /^5\d\d$/.test(s) && s !== '503')).toEqual([]);
    },
    15 * 60_000,
  );

  it(
    'Redis killed and restarted empty: nothing acknowledged is lost, nothing reaches the portal twice',
    async () => {
      const { refusals } = await faultDuringLoad('redis-loss', 1000, async () => {
        await redis.kill();
        await sleep(REDIS_DOWN_MS);
        await redis.start();
      });
      // A receipt is stored in PostgreSQL before it is queued (the sweeper queues what Redis missed),
      // so Redis away may cost a 503 at most, never a 500.
      expect(refusals.filter((s) => /^5\d\d$/.test(s) && s !== '503')).toEqual([]);
    },
    15 * 60_000,
  );

  it('across the whole run, every key is still exactly once and in order at the portal', async () => {
    expect(deliveryProblems(sent, outcome, await acceptedByKey(sim))).toEqual([]);
  });
});

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
}
