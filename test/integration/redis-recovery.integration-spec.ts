import { normalizeRecord, recordKey } from '@txng/national-model';
import { QueueName, redisConnectionOptions, jobId, workerOptions } from '@txng/queues';
import { IngestProcessor } from '@txng/jobs';
import { type Job, UnrecoverableError, Worker } from 'bullmq';
import { type Client } from 'pg';
import { type RunningPortalSim } from '../../apps/portal-sim/src/create-portal-sim';
import { createActiveSource } from '../support/admin-client';
import { eventually, simAdmin, startSim, startSyncHub, type SyncHub } from '../support/sync-harness';
import { deleteRedisKeys } from '../support/test-env';
import { passThroughSource, sendWebhook } from '../support/webhook-sources';

let serial = 0;
const orgs = (n: number, tag: string) =>
  Array.from({ length: n }, () => {
    serial += 1;
    return {
      taxCode: `03${String(700000 + serial).padStart(8, '0')}`,
      name: `HTX ${tag} ${serial}`,
      provinceCode: '92',
    };
  });
const keyOf = (o: unknown) => recordKey('organization', normalizeRecord('organization', o).data)!;

/** Everything the hub acknowledged is processed and at the portal (generous: the sweeps run every 10-15 s). */
const RECOVERY_MS = 60_000;

describe('Redis loses the hub’s data while it runs: everything is rebuilt from PostgreSQL', () => {
  let sim: RunningPortalSim;
  let hub: SyncHub;
  let db: Client;
  let secret: string;

  beforeAll(async () => {
    sim = await startSim();
    hub = await startSyncHub(sim);
    secret = await createActiveSource(hub.url, passThroughSource('redis-loss', '92', 'Nguồn mất Redis'));
    db = await hub.db();
  });
  afterAll(async () => {
    await hub?.close();
    await sim?.close();
  });

  const receiptStatuses = async (ids: string[]): Promise<string[]> =>
    (
      await db.query<{ status: string }>(`SELECT status FROM receipt WHERE id = ANY($1::uuid[])`, [ids])
    ).rows.map((r) => r.status);
  const versionStatuses = async (keys: string[]): Promise<string[]> =>
    (
      await db.query<{ status: string }>(
        `SELECT status FROM record_version WHERE kind = 'organization' AND key = ANY($1)`,
        [keys],
      )
    ).rows.map((r) => r.status);

  it('queued receipts whose jobs vanished are queued again, and sync ticks again without a restart', async () => {
    // Versions ready but not yet sent: the sync queue holds still.
    await hub.queue(QueueName.Sync).pause();
    const ready = orgs(5, 'sẵn sàng');
    await sendWebhook(hub.url, 'redis-loss', secret, { organizations: ready });
    await eventually(async () => {
      const s = await versionStatuses(ready.map(keyOf));
      return s.length === 5 && s.every((x) => x === 'ready');
    });

    // Receipts acknowledged and queued, not yet processed: the ingest queue holds still too.
    await hub.queue(QueueName.Ingest).pause();
    const waiting = [orgs(4, 'chờ'), orgs(4, 'chờ')];
    const receipts: string[] = [];
    for (const list of waiting)
      receipts.push(await sendWebhook(hub.url, 'redis-loss', secret, { organizations: list }));
    await eventually(async () => (await receiptStatuses(receipts)).every((s) => s === 'queued'));

    // The same as a Redis restarted without its data, for this hub only (the pauses go with it).
    const deleted = await deleteRedisKeys(`${hub.env.redisPrefix}:*`);
    expect(deleted).toBeGreaterThan(0);

    const keys = [...ready, ...waiting.flat()].map(keyOf);
    await eventually(
      async () => {
        const [r, v] = await Promise.all([receiptStatuses(receipts), versionStatuses(keys)]);
        return (
          r.every((s) => s === 'processed') && v.length === keys.length && v.every((s) => s === 'synced')
        );
      },
      RECOVERY_MS,
      'every receipt processed and every version synced',
    );
    for (const key of keys) expect(simAdmin(sim).record('organization', key)).toMatchObject({ version: 1 });
    // The schedulers are back in Redis (each process checks them every 15 s).
    expect(await hub.queue(QueueName.Sync).getJobScheduler('sync-tick')).toBeDefined();
    await eventually(
      async () => await hub.queue(QueueName.Maintenance).getJobScheduler('purge-receipt-bodies'),
      20_000,
      'the receipt body purge scheduled again',
    );
    // The receipts were put back by the sweep, a job of the maintenance queue (seen on the queue
    // board), whose scheduler came back with the others.
    expect(await hub.queue(QueueName.Maintenance).getJobScheduler('sweep-receipts')).toBeDefined();
    const sweeps = (await hub.queue(QueueName.Maintenance).getCompleted()).filter(
      (job) => job.name === 'sweep-receipts',
    );
    expect(sweeps.some((job) => (job.returnvalue as { requeued: number }).requeued > 0)).toBe(true);
  });

  it('a receipt whose job BullMQ failed (stall limit after its worker died twice) is queued again', async () => {
    // This process takes no more ingest jobs; another worker will.
    await hub.app.get(IngestProcessor).worker.close();
    const list = orgs(3, 'treo');
    const receiptId = await sendWebhook(hub.url, 'redis-loss', secret, { organizations: list });

    // The other worker starts the receipt, and BullMQ fails the job as it fails one stalled too often.
    const ghost = new Worker(
      QueueName.Ingest,
      async (job: Job<{ receiptId: string }>) => {
        await db.query(`UPDATE receipt SET status = 'processing' WHERE id = $1`, [job.data.receiptId]);
        throw new UnrecoverableError('job stalled more than allowable limit');
      },
      {
        ...workerOptions(QueueName.Ingest),
        connection: redisConnectionOptions(hub.env.config.redisUrl),
        prefix: `${hub.env.redisPrefix}:bull`,
      },
    );
    try {
      await eventually(
        async () => (await hub.queue(QueueName.Ingest).getJobState(jobId('receipt', receiptId))) === 'failed',
      );
    } finally {
      await ghost.close();
    }
    expect((await receiptStatuses([receiptId]))[0]).toBe('processing');

    // A hub process with working workers takes it from there, without anyone touching the queue.
    await hub.stop();
    hub = await startSyncHub(sim, { env: hub.env });
    db = await hub.db();
    await eventually(
      async () => (await receiptStatuses([receiptId]))[0] === 'processed',
      RECOVERY_MS,
      'receipt processed',
    );
    expect(await versionStatuses(list.map(keyOf))).toHaveLength(3);
  });
});
