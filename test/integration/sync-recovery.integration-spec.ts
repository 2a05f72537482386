import { SYNC_DEFAULTS } from '@txng/common';
import { normalizeRecord, recordKey } from '@txng/national-model';
import { QueueName, redisConnectionOptions, workerOptions } from '@txng/queues';
import { provinceJobOptions, SyncService } from '@txng/jobs';
import { type Job, Queue, Worker } from 'bullmq';
import { type Client } from 'pg';
import { type RunningPortalSim } from '../../apps/portal-sim/src/create-portal-sim';
import { createActiveSource } from '../support/admin-client';
import { eventually, simAdmin, startSim, startSyncHub } from '../support/sync-harness';
import { passThroughSource, sendWebhook } from '../support/webhook-sources';

let serial = 0;
const orgs = (n: number, tag: string) =>
  Array.from({ length: n }, () => {
    serial += 1;
    return {
      taxCode: `03${String(600000 + serial).padStart(8, '0')}`,
      name: `HTX ${tag} ${serial}`,
      provinceCode: '92',
    };
  });
const keyOf = (o: unknown) => recordKey('organization', normalizeRecord('organization', o).data)!;

async function statuses(db: Client, keys: string[]): Promise<string[]> {
  const res = await db.query<{ status: string }>(
    `SELECT status FROM record_version WHERE kind = 'organization' AND key = ANY($1)`,
    [keys],
  );
  return res.rows.map((r) => r.status);
}
const all = (db: Client, keys: string[], status: string) => async () => {
  const s = await statuses(db, keys);
  return s.length === keys.length && s.every((x) => x === status);
};

/** The bound after a fault ends: the backlog drains within 60 s plus its (here tiny) normal work. */
const RECOVERY_BOUND_MS = 60_000;

describe('sync after a worker process dies (kill -9): taken over within the bound, nothing twice', () => {
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

  it('a batch claimed and sent, and the province job held, by a dead process: synced within 60 s, stored once', async () => {
    // Production's lease, not the harness's shortened one.
    const sync = { leaseMs: SYNC_DEFAULTS.leaseMs };
    const first = await startSyncHub(sim, { sync });
    const env = first.env;
    const secret = await createActiveSource(first.url, passThroughSource('kill-sync'));
    const db = await first.db();
    await first.queue(QueueName.Sync).pause();
    const list = orgs(6, 'chết');
    const keys = list.map(keyOf);
    await sendWebhook(first.url, 'kill-sync', secret, { organizations: list });
    await eventually(all(db, keys, 'ready'));

    // The process that dies: it claimed a batch and sent it; the answer is never written.
    await new Promise((resolve) => setTimeout(resolve, 150)); // past the linger
    const batch = await first.app.get(SyncService).store.claim('92', 'production');
    expect(batch?.items.map((i) => i.key).sort()).toEqual([...keys].sort());
    const sent = await first.clients.production.pushBatch('92', batch!.records);
    expect(sent.results.every((r) => r.status === 'accepted')).toBe(true);
    await first.stop();

    // It also held the province's sync job (fixed id) when it died: a worker with the hub's options
    // takes the job and vanishes without a word, its lock left in Redis.
    const connection = redisConnectionOptions(env.config.redisUrl);
    const prefix = `${env.redisPrefix}:bull`;
    const syncQueue = new Queue(QueueName.Sync, { connection, prefix });
    const held = await syncQueue.add(
      'sync-province',
      { provinceCode: '92', target: 'production' },
      provinceJobOptions('sync-province', '92', 'production'),
    );
    const dying = new Worker(
      QueueName.Sync,
      (job: Job) => (job.name === 'sync-province' ? new Promise<never>(() => undefined) : Promise.resolve()),
      { ...workerOptions(QueueName.Sync), connection, prefix },
    );
    await syncQueue.resume();
    await eventually(async () => (await syncQueue.getJobState(held.id!)) === 'active');
    await dying.close(true);
    await syncQueue.close();

    // The fault ends: the other process goes on (here started now, as a restarted one would be).
    const diedAt = Date.now();
    const before = await sims.stats();
    const survivor = await startSyncHub(sim, { env, sync });
    try {
      const db2 = await survivor.db();
      await eventually(all(db2, keys, 'synced'), RECOVERY_BOUND_MS, 'every version synced');
      // Measured, for docs/sync.md: how long the survivor took.
      console.log(`synced ${Date.now() - diedAt} ms after the process died`);
      const after = await sims.stats();
      expect(after.replays).toBe(before.replays + 1);
      expect(after.results.accepted ?? 0).toBe(before.results.accepted ?? 0);
      for (const key of keys) expect(sims.record('organization', key)).toMatchObject({ version: 1 });
      const row = await db2.query(`SELECT status, replayed, attempts FROM sync_batch WHERE id = $1`, [
        batch!.id,
      ]);
      expect(row.rows[0]).toMatchObject({ status: 'done', replayed: true, attempts: 2 });
    } finally {
      await survivor.close();
    }
  });

  it('a live sender keeps its batch however slow the portal: another worker finds nothing to take over', async () => {
    // A lease of 0.8 s and a portal answering in 2 s: only the heartbeat keeps the batch its sender's.
    const hub = await startSyncHub(sim, { sync: { leaseMs: 800 } });
    try {
      const secret = await createActiveSource(hub.url, passThroughSource('slow-portal'));
      const db = await hub.db();
      await sims.faults({ latencyMs: 2000 });
      const before = await sims.stats();
      const list = orgs(4, 'chậm');
      const keys = list.map(keyOf);
      await sendWebhook(hub.url, 'slow-portal', secret, { organizations: list });
      // The batch is claimed and on its way; wait past its first lease.
      await eventually(
        async () => (await db.query(`SELECT 1 FROM sync_batch WHERE status = 'pending'`)).rowCount,
      );
      await new Promise((resolve) => setTimeout(resolve, 1200));
      // Another worker's run of the province (as a job in another process would run it).
      const other = await hub.app.get(SyncService).runProvince('92', 'production');
      expect(other.batches).toBe(0);
      await eventually(all(db, keys, 'synced'), 30_000, 'every version synced');
      const after = await sims.stats();
      expect(after.replays).toBe(before.replays);
      expect((after.results.accepted ?? 0) - (before.results.accepted ?? 0)).toBe(4);
      const batches = await db.query(`SELECT attempts, status FROM sync_batch`);
      expect(batches.rows).toEqual([{ attempts: 1, status: 'done' }]);
    } finally {
      await hub.close();
    }
  });
});
