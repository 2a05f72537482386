import { contentHash, normalizeRecord, recordKey } from '@txng/national-model';
import { type Client } from 'pg';
import { type RunningPortalSim } from '../../apps/portal-sim/src/create-portal-sim';
import { admin, createActiveSource, createToken } from '../support/admin-client';
import { eventually, simAdmin, startSim, startSyncHub, type SyncHub } from '../support/sync-harness';
import { passThroughSource, sendWebhook } from '../support/webhook-sources';

const org = (n: number, name = `HTX Đối soát ${n}`) => ({
  taxCode: `03${String(500 + n).padStart(8, '0')}`,
  name,
  provinceCode: '92',
});
const normal = (o: unknown) => normalizeRecord('organization', o).data;
const keyOf = (o: unknown) => recordKey('organization', normal(o))!;

describe('reconciliation: digests, read-back, repair (portal simulator over HTTP)', () => {
  let sim: RunningPortalSim;
  let sims: ReturnType<typeof simAdmin>;
  let hub: SyncHub;
  let db: Client;
  let secret: string;
  let viewer: string;
  const orgs = [1, 2, 3, 4].map((n) => org(n));
  const keys = orgs.map(keyOf);

  const synced = (wanted: string[]) =>
    eventually(async () => {
      const r = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM record_version WHERE key = ANY($1) AND status = 'synced'`,
        [wanted],
      );
      const ready = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM record_version WHERE key = ANY($1) AND status = 'ready'`,
        [wanted],
      );
      return r.rows[0].n >= wanted.length && ready.rows[0].n === 0 ? true : null;
    });
  const runNow = (token?: string) =>
    (token ? admin(hub.url, token) : admin(hub.url)).post('/v1/admin/provinces/92/reconciliation');

  beforeAll(async () => {
    sim = await startSim();
    sims = simAdmin(sim);
    hub = await startSyncHub(sim, { sync: { reconcileEveryMs: 400 } });
    secret = await createActiveSource(hub.url, passThroughSource('recon-a', '92', 'Nguồn đối soát'));
    db = await hub.db();
    await sendWebhook(hub.url, 'recon-a', secret, { organizations: orgs });
    await synced(keys);
    viewer = (await createToken(hub.url, 'viewer', 'xem')).token;
  });
  afterAll(async () => {
    await hub?.close();
    await sim?.close();
  });

  it('runs on its schedule and agrees when nothing differs', async () => {
    const row = await eventually(async () => {
      const r = await db.query(
        `SELECT * FROM reconciliation_run WHERE trigger = 'schedule' AND finished_at IS NOT NULL`,
      );
      return r.rows[0] as { agreed: boolean; hub_digest: string; portal_digest: string } | undefined;
    });
    expect(row.agreed).toBe(true);
    expect(row.hub_digest).toBe(row.portal_digest);
    // The rest of the file runs reconciliations by hand; a scheduled one racing them would hold the lock.
    const reconcile = hub.queue('reconcile');
    await reconcile.removeJobScheduler('reconcile-tick');
    await eventually(
      async () => {
        const counts = await reconcile.getJobCounts('active', 'waiting', 'prioritized', 'delayed');
        return Object.values(counts).every((n) => n === 0);
      },
      10_000,
      'no scheduled reconciliation left running or queued',
    );
  });

  it('POST answers the hub’s counts and digest beside the portal’s; GET shows the latest run to viewers', async () => {
    const res = await runNow().expect(200);
    const summary = await hub.clients.production.getProvinceSummary('92');
    expect(res.body).toMatchObject({
      provinceCode: '92',
      target: 'production',
      trigger: 'operator',
      requestedBy: 'bootstrap-admin',
      agreed: true,
      hub: { counts: { organization: 4, product: 0 }, digest: summary.digest },
      portal: { counts: { organization: 4 }, digest: summary.digest },
      differing: [],
      repaired: 0,
    });
    const latest = await admin(hub.url, viewer).get('/v1/admin/provinces/92/reconciliation').expect(200);
    expect(latest.body.latest.id).toBe(res.body.id);
    // GET compares now too (read-only): the hub's counts and digest beside the portal's.
    expect(latest.body).toMatchObject({
      agreed: true,
      hub: { counts: { organization: 4 }, digest: summary.digest },
      portal: { counts: { organization: 4 }, digest: summary.digest },
      error: null,
    });
    const audit = await admin(hub.url).get('/v1/admin/audit').expect(200);
    expect(JSON.stringify(audit.body)).toContain('reconciliation.run');
  });

  it('refuses viewers to run one, and bad province codes or targets with 400', async () => {
    await runNow(viewer).expect(403);
    const bad = await admin(hub.url).post('/v1/admin/provinces/99/reconciliation').expect(400);
    expect(bad.body).toMatchObject({ error: expect.any(String), message: expect.stringContaining('99') });
    await admin(hub.url).get('/v1/admin/provinces/92/reconciliation?target=elsewhere').expect(400);
    // No sandbox portal configured in this hub.
    await admin(hub.url).post('/v1/admin/provinces/92/reconciliation?target=sandbox').expect(400);
  });

  it('finds a key the portal lost and one it holds with other content, and repairs both', async () => {
    await sims.deleteRecord('organization', keys[0]);
    await sims.putRecord('organization', keys[1], {
      version: 1,
      data: normal(org(2, 'Tên bị sửa ở Cổng')),
      provinceCode: '92',
    });
    const res = await runNow().expect(200);
    expect(res.body.agreed).toBe(false);
    expect(res.body.differing).toEqual(
      expect.arrayContaining([
        { kind: 'organization', key: keys[0], hubVersion: 1, portalVersion: null, action: 'resend-as-1' },
        { kind: 'organization', key: keys[1], hubVersion: 1, portalVersion: 1, action: 'resend-as-2' },
      ]),
    );
    expect(res.body.differing).toHaveLength(2);
    expect(res.body).toMatchObject({ repaired: 2, checked: 4, unchecked: 0, portalOnly: 0 });
    // The run was an operation: four keys read back and two repaired, all of it done.
    const operation = await admin(hub.url, viewer)
      .get(`/v1/admin/operations/${res.body.operationId}`)
      .expect(200);
    expect(operation.body).toMatchObject({
      kind: 'reconciliation',
      state: 'done',
      provinceCode: '92',
      total: 6,
      done: 6,
      percent: 100,
      result: { runId: res.body.id, repaired: 2, differing: 2 },
    });

    await synced(keys);
    expect(sims.record('organization', keys[0])).toMatchObject({
      version: 1,
      contentHash: contentHash(normal(orgs[0])),
    });
    expect(sims.record('organization', keys[1])).toMatchObject({
      version: 2,
      contentHash: contentHash(normal(orgs[1])),
    });
    const again = await runNow().expect(200);
    expect(again.body).toMatchObject({ agreed: true, differing: [] });
  });

  it('reports keys only the portal holds as a count (read-back cannot name them)', async () => {
    await sims.putRecord('organization', keyOf(org(99)), {
      version: 1,
      data: normal(org(99)),
      provinceCode: '92',
    });
    // GET sees the difference at once (no repair, nothing stored).
    const seen = await admin(hub.url, viewer).get('/v1/admin/provinces/92/reconciliation').expect(200);
    expect(seen.body).toMatchObject({ agreed: false });
    expect(seen.body.portal.counts.organization).toBe(seen.body.hub.counts.organization + 1);
    const res = await runNow().expect(200);
    expect(res.body).toMatchObject({ agreed: false, differing: [], portalOnly: 1, repaired: 0 });
    expect(res.body.portal.counts.organization).toBe(res.body.hub.counts.organization + 1);
  });

  it('stores a run that could not reach the portal, with the error, and answers 503', async () => {
    await sims.faults({ outage: { seconds: 30 } });
    try {
      const res = await runNow();
      expect(res.status).toBeGreaterThanOrEqual(500);
      const latest = await admin(hub.url).get('/v1/admin/provinces/92/reconciliation').expect(200);
      expect(latest.body.latest.error).toMatch(/portal/);
      expect(latest.body).toMatchObject({ agreed: null, portal: null, error: expect.any(String) });
      expect(latest.body.hub.digest).toMatch(/^sha256:/);
    } finally {
      await sims.faults({ clear: true });
    }
  });
});
