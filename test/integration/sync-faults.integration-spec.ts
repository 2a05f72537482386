import request from 'supertest';
import { normalizeRecord, recordKey } from '@txng/national-model';
import { type Client } from 'pg';
import { type RunningPortalSim } from '../../apps/portal-sim/src/create-portal-sim';
import { createActiveSource } from '../support/admin-client';
import { eventually, simAdmin, startSim, startSyncHub, type SyncHub } from '../support/sync-harness';
import { passThroughSource, sendWebhook } from '../support/webhook-sources';
import { SyncService } from '@txng/jobs';

const source = (key: string) => passThroughSource(key, '92', `Nguồn lỗi ${key}`);
let serial = 0;
/** Organizations with fresh tax codes: `n` of them, in one envelope. */
const orgs = (n: number, tag: string) =>
  Array.from({ length: n }, () => {
    serial += 1;
    return {
      taxCode: `03${String(900000 + serial).padStart(8, '0')}`,
      name: `HTX ${tag} ${serial}`,
      provinceCode: '92',
    };
  });
const keyOf = (o: unknown) => recordKey('organization', normalizeRecord('organization', o).data)!;

async function statusCounts(db: Client, keys: string[]): Promise<Record<string, number>> {
  const res = await db.query<{ status: string; n: number }>(
    `SELECT status, count(*)::int AS n FROM record_version WHERE kind = 'organization' AND key = ANY($1) GROUP BY status`,
    [keys],
  );
  return Object.fromEntries(res.rows.map((r) => [r.status, r.n]));
}
const allSynced = (db: Client, keys: string[]) =>
  eventually(
    async () => ((await statusCounts(db, keys)).synced === keys.length ? true : null),
    25_000,
    'all synced',
  );

describe('portal sync under faults: tokens, 429, outage, crash, several workers', () => {
  let sim: RunningPortalSim;
  let sims: ReturnType<typeof simAdmin>;
  beforeAll(async () => {
    sim = await startSim();
    sims = simAdmin(sim);
  });
  afterAll(async () => {
    await sim?.close();
  });
  beforeEach(async () => {
    await sims.faults({ clear: true });
  });

  describe('one hub', () => {
    let hub: SyncHub;
    let db: Client;
    let secret: string;
    beforeAll(async () => {
      hub = await startSyncHub(sim);
      secret = await createActiveSource(hub.url, source('faults-a'));
      db = await hub.db();
    });
    afterAll(async () => {
      await hub?.close();
    });

    it('renews an expired token mid-run and goes on', async () => {
      const first = orgs(3, 'token');
      await sendWebhook(hub.url, 'faults-a', secret, { organizations: first });
      await allSynced(db, first.map(keyOf));
      const before = (await sims.stats()).tokensIssued;
      await sims.faults({ tokenExpiry: true });
      const second = orgs(3, 'token');
      await sendWebhook(hub.url, 'faults-a', secret, { organizations: second });
      await allSynced(db, second.map(keyOf));
      expect((await sims.stats()).tokensIssued).toBeGreaterThan(before);
    });

    it('waits out a 429 storm as Retry-After says: the batch stays claimed, records ready, then synced', async () => {
      await sims.faults({ burst429: 3, retryAfterSeconds: 1 });
      const list = orgs(4, 'rate');
      const started = Date.now();
      await sendWebhook(hub.url, 'faults-a', secret, { organizations: list });
      const keys = list.map(keyOf);
      const deferred = await eventually(async () => {
        const r = await db.query(
          `SELECT b.last_error FROM sync_batch b WHERE b.status = 'pending' AND b.last_error IS NOT NULL`,
        );
        return r.rows[0]?.last_error as { code: string } | undefined;
      });
      expect(deferred.code).toBe('portal_rate_limited');
      expect(await statusCounts(db, keys)).toEqual({ ready: 4 });
      await allSynced(db, keys);
      // Three 429s with Retry-After: 1 each, honoured one after the other.
      expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
      const batches = await db.query(`SELECT attempts, status FROM sync_batch WHERE items @> $1::jsonb`, [
        JSON.stringify([{ key: keys[0] }]),
      ]);
      expect(batches.rows[0]).toMatchObject({ status: 'done' });
      expect(batches.rows[0].attempts).toBeGreaterThanOrEqual(2);
    });

    it('a run of 5xx answers opens the breaker; afterwards everything is synced, nothing failed', async () => {
      await sims.faults({ errorNext: 8 });
      const list = orgs(5, 'breaker');
      const keys = list.map(keyOf);
      await sendWebhook(hub.url, 'faults-a', secret, { organizations: list });
      await eventually(
        () => Promise.resolve(hub.clients.production.breakerState === 'open'),
        10_000,
        'breaker open',
      );
      expect((await statusCounts(db, keys)).failed ?? 0).toBe(0);
      await allSynced(db, keys);
      expect(hub.clients.production.breakerState).toBe('closed');
      expect(sims.record('organization', keys[0])).toMatchObject({ version: 1 });
      const metrics = await request(hub.url).get('/metrics').expect(200);
      expect(metrics.text).toMatch(/txng_sync_batches_total\{[^}]*outcome="deferred"[^}]*\} [1-9]/);
    });

    it('a portal outage announced with Retry-After is waited out: nothing failed, all synced after it', async () => {
      await sims.faults({ outage: { seconds: 2 } });
      const list = orgs(3, 'outage');
      const keys = list.map(keyOf);
      await sendWebhook(hub.url, 'faults-a', secret, { organizations: list });
      const deferred = await eventually(async () => {
        const r = await db.query(
          `SELECT last_error FROM sync_batch WHERE status = 'pending' AND last_error IS NOT NULL`,
        );
        return r.rows[0]?.last_error as { code: string } | undefined;
      });
      expect(deferred.code).toBe('portal_temporary_failure');
      expect((await statusCounts(db, keys)).failed ?? 0).toBe(0);
      await allSynced(db, keys);
    });

    it('a connection dropped after the portal stored the batch: re-sent under the same key, replayed, stored once', async () => {
      await sims.faults({ dropNext: 2, dropMode: 'after-store' });
      const before = await sims.stats();
      const list = orgs(3, 'drop');
      const keys = list.map(keyOf);
      await sendWebhook(hub.url, 'faults-a', secret, { organizations: list });
      await allSynced(db, keys);
      const after = await sims.stats();
      expect(after.replays).toBeGreaterThan(before.replays);
      expect(after.results.accepted - (before.results.accepted ?? 0)).toBe(3);
      expect(after.results.duplicate ?? 0).toBe(before.results.duplicate ?? 0);
    });

    it('a crash between send and acknowledgement: after the lease, the same batch is re-sent and replayed', async () => {
      // Stop the sync tick from claiming while the "crashed worker" works by hand.
      const syncQueue = hub.queue('sync');
      await syncQueue.pause();
      const list = orgs(4, 'crash');
      const keys = list.map(keyOf);
      await sendWebhook(hub.url, 'faults-a', secret, { organizations: list });
      await eventually(async () => ((await statusCounts(db, keys)).ready === 4 ? true : null));
      const sync = hub.app.get(SyncService);
      await new Promise((resolve) => setTimeout(resolve, 150)); // past the linger
      const batch = await sync.store.claim('92', 'production');
      expect(batch?.items.map((i) => i.key).sort()).toEqual([...keys].sort());
      // The worker sends, then dies before writing the answer.
      const sent = await hub.clients.production.pushBatch('92', batch!.records);
      expect(sent.results.every((r) => r.status === 'accepted')).toBe(true);
      expect(await statusCounts(db, keys)).toEqual({ ready: 4 });
      // Its lease runs out (shortened here) and a worker takes the batch over.
      await db.query(`UPDATE sync_batch SET lease_until = now() - interval '1 second' WHERE id = $1`, [
        batch!.id,
      ]);
      const before = await sims.stats();
      await syncQueue.resume();
      await allSynced(db, keys);
      const after = await sims.stats();
      expect(after.replays).toBe(before.replays + 1);
      expect(after.results.accepted).toBe(before.results.accepted);
      for (const key of keys) expect(sims.record('organization', key)).toMatchObject({ version: 1 });
      const row = await db.query(`SELECT status, replayed FROM sync_batch WHERE id = $1`, [batch!.id]);
      expect(row.rows[0]).toEqual({ status: 'done', replayed: true });
    });
  });

  it('two worker processes on one database never send a version twice', async () => {
    const a = await startSyncHub(sim, { sync: { maxRecords: 20 } });
    const b = await startSyncHub(sim, { env: a.env, sync: { maxRecords: 20 } });
    try {
      const secret = await createActiveSource(a.url, source('faults-two'));
      const db = await a.db();
      const before = await sims.stats();
      const list = orgs(200, 'two');
      await sendWebhook(a.url, 'faults-two', secret, { organizations: list.slice(0, 100) });
      await sendWebhook(b.url, 'faults-two', secret, { organizations: list.slice(100) });
      const keys = list.map(keyOf);
      await allSynced(db, keys);
      const after = await sims.stats();
      expect(after.results.accepted - (before.results.accepted ?? 0)).toBe(200);
      expect((after.results.duplicate ?? 0) - (before.results.duplicate ?? 0)).toBe(0);
      expect((after.results.stale ?? 0) - (before.results.stale ?? 0)).toBe(0);
    } finally {
      await b.stop();
      await a.close();
    }
  });

  it('permanent errors: a record over the batch limit and refused credentials become failed, with the reason', async () => {
    const hub = await startSyncHub(sim, {
      sync: { maxBytes: 1024 },
      hubEnv: { PORTAL_CLIENT_SECRET: 'not-the-secret' },
    });
    try {
      const secret = await createActiveSource(hub.url, source('faults-perm'));
      const db = await hub.db();
      const [big] = orgs(1, 'lớn');
      big.name = `HTX ${'rất dài '.repeat(150)}`.trim();
      const small = orgs(2, 'auth');
      await sendWebhook(hub.url, 'faults-perm', secret, { organizations: [big, ...small] });
      const rows = await eventually(async () => {
        const r = await db.query<{ key: string; status: string; sync_error: { code: string } }>(
          `SELECT key, status, sync_error FROM record_version WHERE key = ANY($1)`,
          [[big, ...small].map(keyOf)],
        );
        return r.rows.every((x) => x.status === 'failed') && r.rows.length === 3 ? r.rows : null;
      });
      const byKey = Object.fromEntries(rows.map((r) => [r.key, r.sync_error.code]));
      expect(byKey[keyOf(big)]).toBe('BATCH_TOO_LARGE');
      for (const o of small) expect(byKey[keyOf(o)]).toBe('portal_auth_failed');
      const failedBatch = await db.query(`SELECT status, last_error FROM sync_batch`);
      expect(failedBatch.rows.every((r) => r.status === 'failed')).toBe(true);
    } finally {
      await hub.close();
    }
  });
});
