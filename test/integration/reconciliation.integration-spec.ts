import { contentHash, normalizeRecord, recordKey } from '@txng/national-model';
import { type Client } from 'pg';
import { type RunningPortalSim } from '../../apps/portal-sim/src/create-portal-sim';
import { admin, createActiveSource, createToken } from '../support/admin-client';
import { eventually, simAdmin, startSim, startSyncHub, type SyncHub } from '../support/sync-harness';
import { type OperationAnswer, readOperation, waitForOperation } from '../support/wait-for-operation';
import { passThroughSource, sendWebhook } from '../support/webhook-sources';

const org = (n: number, name = `HTX Đối soát ${n}`) => ({
  taxCode: `03${String(500 + n).padStart(8, '0')}`,
  name,
  provinceCode: '92',
});
const normal = (o: unknown) => normalizeRecord('organization', o).data;
/** A stored run as the GET answers it (the fields read here). */
type Run = Record<string, unknown> & { id: string; operationId: string | null; error: string | null };
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
  const operation = (id: string) => readOperation(hub.url, id);
  /** POST (202), then the operation until it ends, then the run it stored (the GET's latest). */
  const reconcile = async (token?: string) => {
    const started = await runNow(token).expect(202);
    const ended = await waitForOperation(hub.url, started.body.id as string, { token });
    const view = await admin(hub.url, token).get('/v1/admin/provinces/92/reconciliation').expect(200);
    return { started: started.body, operation: ended, run: runOf(view.body, started.body.id as string) };
  };
  /** The stored run of an operation among the GET's runs (a sync-triggered run may have come after it). */
  const runOf = (view: { latest: Run | null; previous: Run[] }, operationId: string): Run => {
    const run = [view.latest, ...view.previous].find((r) => r?.operationId === operationId);
    expect(run).toBeDefined();
    return run!;
  };

  beforeAll(async () => {
    sim = await startSim();
    sims = simAdmin(sim);
    // One key read back at a time, so a slow portal shows the read-back key by key.
    hub = await startSyncHub(sim, { sync: { reconcileEveryMs: 400, reconcileConcurrency: 1 } });
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

  it('POST answers 202 with the operation at once; the run ends in the operation’s result and in the GET', async () => {
    const started = await runNow().expect(202);
    expect(started.body).toMatchObject({
      id: expect.any(String),
      kind: 'reconciliation',
      state: expect.stringMatching(/^(queued|running|done)$/),
      provinceCode: '92',
      params: { target: 'production' },
      actor: 'bootstrap-admin',
      links: {
        operation: `/v1/admin/operations/${started.body.id}`,
        reconciliation: '/v1/admin/provinces/92/reconciliation?target=production',
      },
    });
    const ended = await waitForOperation(hub.url, started.body.id, { token: viewer });
    const summary = await hub.clients.production.getProvinceSummary('92');
    const latest = await admin(hub.url, viewer).get(started.body.links.reconciliation).expect(200);
    expect(latest.body.latest).toMatchObject({
      provinceCode: '92',
      target: 'production',
      trigger: 'operator',
      requestedBy: 'bootstrap-admin',
      agreed: true,
      hub: { counts: { organization: 4, product: 0 }, digest: summary.digest },
      portal: { counts: { organization: 4 }, digest: summary.digest },
      differing: [],
      repaired: 0,
      operationId: started.body.id,
    });
    expect(ended).toMatchObject({
      state: 'done',
      percent: 100,
      result: { runId: latest.body.latest.id, agreed: true, repaired: 0, differing: 0 },
    });
    // GET compares now too (read-only): the hub's counts and digest beside the portal's.
    expect(latest.body).toMatchObject({
      agreed: true,
      hub: { counts: { organization: 4 }, digest: summary.digest },
      portal: { counts: { organization: 4 }, digest: summary.digest },
      error: null,
    });
    const audit = await admin(hub.url).get('/v1/admin/audit').expect(200);
    expect(audit.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          action: 'reconciliation.run',
          target: 'province:92',
          details: { target: 'production', operationId: started.body.id },
        }),
      ]),
    );
  });

  it('refuses viewers to run one, and bad province codes or targets with 400', async () => {
    await runNow(viewer).expect(403);
    const bad = await admin(hub.url).post('/v1/admin/provinces/99/reconciliation').expect(400);
    expect(bad.body).toMatchObject({ error: expect.any(String), message: expect.stringContaining('99') });
    await admin(hub.url).get('/v1/admin/provinces/92/reconciliation?target=elsewhere').expect(400);
    // No sandbox portal configured in this hub.
    await admin(hub.url).post('/v1/admin/provinces/92/reconciliation?target=sandbox').expect(400);
  });

  it('a province token starts and follows its own province’s reconciliation, and never another’s', async () => {
    const canTho = (
      await admin(hub.url)
        .post('/v1/admin/tokens', { name: 'Sở NN&MT Cần Thơ', role: 'operator', provinces: ['92'] })
        .expect(201)
    ).body.token as string;
    await runNow(canTho)
      .expect(202)
      .then(async (res) => {
        const ended = await waitForOperation(hub.url, res.body.id, { token: canTho });
        expect(ended).toMatchObject({ state: 'done', provinceCode: '92' });
      });
    const other = await admin(hub.url, canTho).post('/v1/admin/provinces/96/reconciliation').expect(404);
    expect(other.body.message).toContain('96');
    const started = await admin(hub.url, canTho).get('/v1/admin/operations?kind=reconciliation').expect(200);
    expect(started.body.items.every((o: OperationAnswer) => o.provinceCode === '92')).toBe(true);
  });

  it('finds a key the portal lost and one it holds with other content, and repairs both', async () => {
    await sims.deleteRecord('organization', keys[0]);
    await sims.putRecord('organization', keys[1], {
      version: 1,
      data: normal(org(2, 'Tên bị sửa ở Cổng')),
      provinceCode: '92',
    });
    const { run, operation: op } = await reconcile();
    expect(run.agreed).toBe(false);
    expect(run.differing).toEqual(
      expect.arrayContaining([
        { kind: 'organization', key: keys[0], hubVersion: 1, portalVersion: null, action: 'resend-as-1' },
        { kind: 'organization', key: keys[1], hubVersion: 1, portalVersion: 1, action: 'resend-as-2' },
      ]),
    );
    expect(run.differing).toHaveLength(2);
    expect(run).toMatchObject({ repaired: 2, checked: 4, unchecked: 0, portalOnly: 0 });
    // Four keys read back and two repaired, all of it done.
    expect(op).toMatchObject({
      kind: 'reconciliation',
      state: 'done',
      provinceCode: '92',
      total: 6,
      done: 6,
      percent: 100,
      result: { runId: run.id, repaired: 2, differing: 2 },
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
    const again = await reconcile();
    expect(again.run).toMatchObject({ agreed: true, differing: [] });
  });

  it('reports keys only the portal holds as a count (read-back cannot name them)', async () => {
    await sims.putRecord('organization', keyOf(org(99)), {
      version: 1,
      data: normal(org(99)),
      provinceCode: '92',
    });
    // GET sees the difference (no repair, nothing stored) once its 5 s cache of the last look is past.
    const seen = await eventually(
      async () => {
        const res = await admin(hub.url, viewer).get('/v1/admin/provinces/92/reconciliation').expect(200);
        return res.body.agreed === false ? res : null;
      },
      10_000,
      'the GET comparing afresh',
    );
    expect(seen.body.portal.counts.organization).toBe(seen.body.hub.counts.organization + 1);
    const { run } = await reconcile();
    expect(run).toMatchObject({ agreed: false, differing: [], portalOnly: 1, repaired: 0 });
    const sides = run as unknown as Record<'hub' | 'portal', { counts: Record<string, number> }>;
    expect(sides.portal.counts.organization).toBe(sides.hub.counts.organization + 1);
  });

  it('shows its read-back moving, refuses a second start naming the first, and stops between two keys on cancel', async () => {
    const more = Array.from({ length: 12 }, (_, i) => org(20 + i));
    await sendWebhook(hub.url, 'recon-a', secret, { organizations: more });
    const all = [...keys, ...more.map(keyOf)];
    await synced(all);
    await sims.deleteRecord('organization', keyOf(more[11])); // the digests differ: a read-back follows
    await sims.faults({ latencyMs: 250 });
    try {
      const started = await runNow().expect(202);
      const id = started.body.id as string;
      const moving = await waitForOperation(hub.url, id, {
        until: (o) => o.state === 'running' && o.total === all.length && o.done >= 1,
        timeoutMs: 20_000,
      });
      expect(moving.percent).toBeGreaterThan(0);
      expect(moving.percent).toBeLessThan(100);

      const second = await runNow().expect(409);
      expect(second.body.message).toContain(id);

      await admin(hub.url).post(`/v1/admin/operations/${id}/cancel`).expect(200);
      const ended = await waitForOperation(hub.url, id);
      expect(ended.state).toBe('cancelled');
      expect(ended.done).toBeGreaterThanOrEqual(moving.done);
      expect(ended.done).toBeLessThan(all.length);
      // The run is stored with what it did, saying it was cancelled; it repaired nothing yet.
      const view = await admin(hub.url).get('/v1/admin/provinces/92/reconciliation').expect(200);
      const run = runOf(view.body, id);
      expect(run).toMatchObject({ repaired: 0, finishedAt: expect.any(String) });
      expect(run.error).toMatch(/^cancelled: stopped after \d+ keys read back/);
      expect(run.checked).toBeLessThan(all.length);
    } finally {
      await sims.faults({ clear: true });
    }
    // Ended, the province may be reconciled again: this time to the end, the lost key sent again.
    const { run } = await reconcile();
    expect(run).toMatchObject({ agreed: false, repaired: 1, checked: all.length });
  });

  it('a reconciliation whose job Redis lost is queued again if it had not started, ended failed if it had', async () => {
    const maintenance = hub.queue('maintenance');
    /** POST while no job is taken, then the job removed: what a Redis loss leaves behind. */
    const askAndLoseTheJob = async (): Promise<string> => {
      await maintenance.pause();
      try {
        const id = (await runNow().expect(202)).body.id as string;
        expect(await maintenance.remove(`reconcile.${id}`)).toBe(1);
        return id;
      } finally {
        await maintenance.resume();
      }
    };
    // As if a worker had started it and died along with Redis's data: running, its run stored
    // unfinished, no job anywhere.
    const runningId = await askAndLoseTheJob();
    await db.query(
      `UPDATE operation SET state = 'running', started_at = now(), done = 3, total = 16 WHERE id = $1`,
      [runningId],
    );
    await db.query(
      `INSERT INTO reconciliation_run (province_code, target, trigger, requested_by, started_at, operation_id)
       VALUES ('92', 'production', 'operator', 'bootstrap-admin', now(), $1)`,
      [runningId],
    );
    // The recovery (every 15 s, for operations older than 10 s) ends the one that had started…
    const lost = await waitForOperation(hub.url, runningId, { timeoutMs: 45_000 });
    expect(lost).toMatchObject({ state: 'failed', done: 3 });
    expect(lost.error).toMatch(/^its job was lost .* after 3 of 16 keys/);
    const runs = await db.query(`SELECT finished_at, error FROM reconciliation_run WHERE operation_id = $1`, [
      runningId,
    ]);
    expect(runs.rows[0].finished_at).not.toBeNull();
    expect(runs.rows[0].error).toMatch(/job was lost/);
    // …and queues again one that never started, which then runs to the end.
    const waitingId = await askAndLoseTheJob();
    expect(await operation(waitingId)).toMatchObject({ state: 'queued' });
    const recovered = await waitForOperation(hub.url, waitingId, { timeoutMs: 45_000 });
    expect(recovered).toMatchObject({ state: 'done', result: { runId: expect.any(String) } });
  });

  it('ends the operation failed with the portal’s error when the portal is down, and stores the run', async () => {
    await sims.faults({ outage: { seconds: 30 } });
    try {
      const started = await runNow().expect(202);
      const ended = await waitForOperation(hub.url, started.body.id);
      // No retry: the operator sees why at once, and the schedule reconciles again anyway.
      expect(ended.state).toBe('failed');
      expect(ended.error).toMatch(/portal|unavailable|503/i);
      const latest = await admin(hub.url).get('/v1/admin/provinces/92/reconciliation').expect(200);
      expect(runOf(latest.body, started.body.id).error).toMatch(/portal/);
      expect(latest.body).toMatchObject({ agreed: null, portal: null, error: expect.any(String) });
      expect(latest.body.hub.digest).toMatch(/^sha256:/);
    } finally {
      await sims.faults({ clear: true });
    }
  });
});
