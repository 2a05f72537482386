import { ALL_QUEUES } from '@txng/queues';
import { ActivityRollupService } from '@txng/jobs';
import { type Client } from 'pg';
import { type RunningPortalSim } from '../../apps/portal-sim/src/create-portal-sim';
import { admin, createActiveSource, createToken } from '../support/admin-client';
import { eventually, startSim, startSyncHub, type SyncHub } from '../support/sync-harness';
import { gtin13, passThroughSource, sendWebhook } from '../support/webhook-sources';

const product = (item: string, name: string) => ({
  gtin: gtin13(`8935049${item.padStart(5, '0')}`),
  name,
  ownerTaxCode: '0301234567',
  netContent: { value: 5, uom: 'KGM' },
});

interface Point {
  at: string;
  received: number;
  quarantined: number;
  synced: number;
  lagAvgSeconds: number | null;
  lagMaxSeconds: number | null;
  backlog: number | null;
}
interface Series {
  window: string;
  stepSeconds: number;
  from: string;
  to: string;
  points: Point[];
  queueDepth: Array<{ at: string; depth: Record<string, number> }>;
}
const sum = (points: Point[], field: 'received' | 'quarantined' | 'synced'): number =>
  points.reduce((n, p) => n + p[field], 0);

describe('activity for the charts: per-minute counts rolled up from the hub’s own timestamps (real PostgreSQL, Redis, portal)', () => {
  let sim: RunningPortalSim;
  let hub: SyncHub;
  let db: Client;
  let rollup: ActivityRollupService;
  const secrets: Record<string, string> = {};

  const activity = async (query = ''): Promise<Series> =>
    (await admin(hub.url).get(`/v1/admin/activity${query}`).expect(200)).body as Series;

  beforeAll(async () => {
    sim = await startSim();
    // The timer stays out of the way (an hour): each test rolls up when it wants to.
    hub = await startSyncHub(sim, { hubEnv: { ACTIVITY_ROLLUP_EVERY_MS: '3600000' } });
    secrets['act-good'] = await createActiveSource(hub.url, passThroughSource('act-good', '92'));
    secrets['act-bad'] = await createActiveSource(hub.url, {
      ...passThroughSource('act-bad', '01'),
      mapping: { language: 'jsonata', expression: '{ "products": products.{ "gtin": gtin, "name": name } }' },
    });
    rollup = hub.app.get(ActivityRollupService);
    db = await hub.db();
  });
  afterAll(async () => {
    await hub?.close();
    await sim?.close();
  });

  it('counts received, quarantined and synced records with the lag from receipt to portal, per source and province', async () => {
    await sendWebhook(hub.url, 'act-good', secrets['act-good'], {
      products: [product('71', 'Gạo ST25'), product('72', 'Gạo thơm'), product('73', 'Nếp cái hoa vàng')],
    });
    await sendWebhook(hub.url, 'act-bad', secrets['act-bad'], {
      products: [product('74', 'Cà phê'), product('75', 'Hồ tiêu')],
    });
    await eventually(
      async () => {
        const { rows } = await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM record_version
            WHERE (source_key = 'act-good' AND status = 'synced') OR (source_key = 'act-bad' AND status = 'quarantined')`,
        );
        return rows[0].n === 5;
      },
      30_000,
      'three synced and two quarantined',
    );
    // The lag is computed from the timestamps the hub wrote; how long the portal took on this machine
    // is not the point, so they are set to known instants: the receipt two seconds before a minute's
    // edge, one version synced 1.2 s after it (that minute), two 2.6 s and 3.4 s after (the next one).
    const { rows: edge } = await db.query<{ minute: Date }>(
      `SELECT date_trunc('minute', now()) - interval '2 minutes' AS minute`,
    );
    const { rowCount } = await db.query(
      `WITH v AS (SELECT id, receipt_id, row_number() OVER (ORDER BY id) AS n FROM record_version
                   WHERE source_key = 'act-good' AND status = 'synced'),
            r AS (UPDATE receipt SET received_at = $1::timestamptz - interval '2 seconds'
                   WHERE id IN (SELECT receipt_id FROM v) RETURNING id)
       UPDATE record_version rv
          SET synced_at = $1::timestamptz - interval '2 seconds' + (ARRAY[1.2, 2.6, 3.4])[v.n] * interval '1 second'
         FROM v WHERE rv.id = v.id`,
      [edge[0].minute],
    );
    expect(rowCount).toBe(3);

    // Nothing is charted before the roll-up has run.
    expect(sum((await activity()).points, 'received')).toBe(0);
    expect(await rollup.runOnce()).toBeGreaterThan(0);

    const all = await activity();
    expect(all).toMatchObject({ window: 'hour', stepSeconds: 60, sourceKey: null, provinceCode: null });
    expect(all.points).toHaveLength(60);
    expect(Date.parse(all.to) - Date.parse(all.from)).toBe(3_600_000);
    expect(sum(all.points, 'received')).toBe(5);
    expect(sum(all.points, 'quarantined')).toBe(2);
    expect(sum(all.points, 'synced')).toBe(3);
    // The lag per minute is what those timestamps say, to the tenth of a second the API rounds to.
    const minute = (offset: number) => new Date(edge[0].minute.getTime() + offset * 60_000).toISOString();
    expect(
      all.points
        .filter((p) => p.lagAvgSeconds !== null)
        .map(({ at, synced, lagAvgSeconds, lagMaxSeconds }) => ({
          at,
          synced,
          lagAvgSeconds,
          lagMaxSeconds,
        })),
    ).toEqual([
      { at: minute(-1), synced: 1, lagAvgSeconds: 1.2, lagMaxSeconds: 1.2 },
      { at: minute(0), synced: 2, lagAvgSeconds: 3, lagMaxSeconds: 3.4 },
    ]);
    // The backlog was sampled (nothing waits: all ready versions were synced) and so was each queue.
    expect(all.points[all.points.length - 1].backlog).toBe(0);
    const depth = all.queueDepth[all.queueDepth.length - 1].depth;
    expect(Object.keys(depth).sort()).toEqual([...ALL_QUEUES].sort());

    // Per source and per province.
    const bad = await activity('?source=act-bad');
    expect([sum(bad.points, 'received'), sum(bad.points, 'quarantined'), sum(bad.points, 'synced')]).toEqual([
      2, 2, 0,
    ]);
    const hauGiang = await activity('?province=92');
    expect([sum(hauGiang.points, 'received'), sum(hauGiang.points, 'synced')]).toEqual([3, 3]);
    expect(sum((await activity('?province=01')).points, 'quarantined')).toBe(2);

    // The day, per 5 minutes, still in records per minute: the five records are a fifth per minute.
    const day = await activity('?window=day');
    expect(day.points).toHaveLength(288);
    expect(day.stepSeconds).toBe(300);
    expect(Math.round(sum(day.points, 'received') * 5)).toBe(5);

    // Rolling up again counts the same minutes again, not twice.
    await rollup.runOnce();
    expect(sum((await activity()).points, 'received')).toBe(5);
  });

  it('forgets minutes older than ACTIVITY_KEEP_HOURS and refuses what it cannot answer', async () => {
    await db.query(
      `INSERT INTO activity_minute (minute, source_key, province_code, received)
       VALUES (date_trunc('minute', now()) - interval '300 hours', 'act-good', '92', 9)`,
    );
    await rollup.runOnce();
    const { rows } = await db.query(`SELECT 1 FROM activity_minute WHERE received = 9`);
    expect(rows).toHaveLength(0);

    await admin(hub.url).get('/v1/admin/activity?window=week').expect(400);
    await admin(hub.url).get('/v1/admin/activity?province=999').expect(400);
    await admin(hub.url).get('/v1/admin/activity?source=no-such-source').expect(404);
    const viewer = (await createToken(hub.url, 'viewer', 'viewer')).token;
    await admin(hub.url, viewer).get('/v1/admin/activity').expect(200);
    await admin(hub.url, 'not-a-token').get('/v1/admin/activity').expect(401);
  });
});
