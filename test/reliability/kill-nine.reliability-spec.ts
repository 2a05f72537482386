import { Client } from 'pg';
import { type RunningPortalSim } from '../../apps/portal-sim/src/create-portal-sim';
import { ADMIN_TOKEN, createActiveSource } from '../support/admin-client';
import {
  hubFleet,
  type HubFleet,
  reliabilityHubSettings,
  type Role,
  type Topology,
} from '../support/hub-fleet';
import { simAdmin, startSim } from '../support/portal-sim';
import { freePort } from '../support/ports';
import { hubProcessEnv } from '../support/processes';
import {
  ackedRecords,
  acceptedByKey,
  deliveryProblems,
  newOutcome,
  problemKinds,
  planLoad,
  randomBetween,
  recordCount,
  recordFigure,
  sendAll,
  SETTLE_MS,
  sleep,
  timeUntilAccepted,
} from '../support/reliability-load';
import { createTestEnv, type TestEnv } from '../support/test-env';
import { passThroughSource } from '../support/webhook-sources';

/**
 * kill -9 of the built hub at random points of intake, the pipeline and sync, restarting it each
 * time, while a province keeps sending (and resending what got no 202). Afterwards every record of
 * every acknowledged webhook must be at the portal simulator exactly once, in version order.
 * RELIABILITY_QUICK=1 runs the one-process hub only; RELIABILITY_KILLS sets the kills per run (≥ 3).
 */

const QUICK = process.env.RELIABILITY_QUICK === '1';
const KILLS = Math.max(3, Number(process.env.RELIABILITY_KILLS ?? 3));
const TOPOLOGIES: Topology[] = QUICK ? ['one-process'] : ['one-process', 'split'];
type Phase = 'intake' | 'pipeline' | 'sync';
const PHASES: Phase[] = ['intake', 'pipeline', 'sync'];

describe.each(TOPOLOGIES)('kill -9 of the hub (%s)', (topology) => {
  let sim: RunningPortalSim;
  let env: TestEnv;
  let fleet: HubFleet;
  let db: Client;
  let secret: string;

  beforeAll(async () => {
    sim = await startSim();
    // Each batch call takes a moment, so a kill during sync finds batches in flight at the portal.
    await simAdmin(sim).faults({ latencyMs: 150 });
    env = await createTestEnv();
    fleet = hubFleet(
      topology,
      await freePort(),
      hubProcessEnv(env, reliabilityHubSettings(sim.url, ADMIN_TOKEN)),
    );
    await fleet.start();
    secret = await createActiveSource(fleet.url, passThroughSource('reliability-kill', '92'));
    db = new Client({ connectionString: env.databaseUrl });
    await db.connect();
  }, 180_000);

  afterAll(async () => {
    await db?.end();
    await fleet?.destroy();
    await sim?.close();
    await env?.dispose();
  });

  /** True while the phase is going on: webhooks arriving, receipts waiting, a batch at the portal. */
  const inPhase = async (phase: Phase, sent: number, target: number): Promise<boolean> => {
    switch (phase) {
      case 'intake':
        return sent >= target;
      case 'pipeline': {
        const res = await db.query<{ n: string }>(
          `SELECT count(*) AS n FROM receipt WHERE status IN ('stored', 'queued', 'processing')`,
        );
        return Number(res.rows[0].n) > 0;
      }
      case 'sync': {
        const stats = (await simAdmin(sim).stats()) as { inFlightByProvince: Record<string, number> };
        return (stats.inFlightByProvince['92'] ?? 0) > 0;
      }
    }
  };

  const victims = (phase: Phase, n: number): Role[] => {
    if (n >= PHASES.length) return [['gateway'], ['worker'], ['gateway', 'worker']][n % 3] as Role[];
    return phase === 'intake' ? ['gateway'] : ['worker'];
  };

  it(
    'delivers every record of every acknowledged webhook to the portal exactly once, in version order',
    async () => {
      const groups = planLoad({ tag: `kill-${topology}`, groups: 30, keysPerGroup: 5, revisions: 5 });
      const webhooks = groups.length * groups[0].length;
      const outcome = newOutcome();
      const sending = sendAll(fleet.url, 'reliability-kill', secret, groups, {
        concurrency: 4,
        pauseMs: [50, 400],
        outcome,
      });

      const kills: Array<Record<string, unknown>> = [];
      for (let n = 0; n < KILLS; n += 1) {
        const phase = PHASES[n % PHASES.length];
        const target = Math.round(webhooks * randomBetween(0.1, 0.35));
        const deadline = Date.now() + 60_000;
        let observed = false;
        while (Date.now() < deadline) {
          if (await inPhase(phase, outcome.acked.size, target)) {
            observed = true;
            break;
          }
          await sleep(20);
        }
        await sleep(randomBetween(0, 300));
        const roles = victims(phase, n);
        const portal = (await simAdmin(sim).stats()) as { versionsAccepted: number };
        await fleet.kill(roles);
        kills.push({
          phase,
          observed,
          killed: roles.join('+'),
          acked: outcome.acked.size,
          atPortal: portal.versionsAccepted,
        });
        await sleep(randomBetween(0, 1000));
        await fleet.start();
      }
      const faultEnd = Date.now();

      await sending;
      const expected = ackedRecords(groups, outcome);
      const settleMs = await timeUntilAccepted(sim, expected, SETTLE_MS, faultEnd);
      // A version sent twice would arrive after the count is reached: give it a moment to show.
      await sleep(3000);
      const accepted = await acceptedByKey(sim);
      const problems = deliveryProblems(groups, outcome, accepted);
      const stats = (await simAdmin(sim).stats()) as Record<string, unknown>;
      recordFigure({
        suite: 'kill-9',
        topology,
        kills,
        webhooks,
        acknowledged: outcome.acked.size,
        records: recordCount(groups),
        atPortal: [...accepted.values()].reduce((n, v) => n + v.length, 0),
        faultEndToAllAtPortalMs: settleMs,
        resends: outcome.attempts - outcome.acked.size,
        portal: { replays: stats.replays, results: stats.results },
        problems: problemKinds(problems),
        firstProblems: problems.slice(0, 3),
      });

      expect(outcome.unacked).toEqual([]);
      if (settleMs === null) {
        throw new Error(
          `${expected} acknowledged records were not all at the portal ${SETTLE_MS} ms after the last restart ` +
            `(${[...accepted.values()].reduce((n, v) => n + v.length, 0)} there)\n${fleet.tail()}`,
        );
      }
      expect(problems).toEqual([]);
    },
    30 * 60_000,
  );
});
