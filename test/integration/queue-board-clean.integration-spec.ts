import { jobId, QueueName } from '@txng/queues';
import { Worker } from 'bullmq';
import request from 'supertest';
import { ADMIN_TOKEN, createActiveSource } from '../support/admin-client';
import { startGateway, type GatewayHarness } from '../support/gateway-harness';
import { passThroughSource, sendWebhook } from '../support/webhook-sources';

const BOARD = '/admin/queues/board/api/queues';
const put = (hub: GatewayHarness, path: string) =>
  request(hub.url).put(path).set('Authorization', `Bearer ${ADMIN_TOKEN}`);

describe('the queue board cleans only finished jobs: an acknowledged receipt is never dropped', () => {
  // No workers: an acknowledged receipt's ingest job stays waiting.
  let hub: GatewayHarness;
  let receiptJob: string;

  beforeAll(async () => {
    hub = await startGateway();
    const secret = await createActiveSource(hub.url, passThroughSource('board-clean'));
    const receiptId = await sendWebhook(hub.url, 'board-clean', secret, {
      organizations: [{ taxCode: '0312345678', name: 'HTX Bảng hàng đợi', provinceCode: '92' }],
    });
    receiptJob = jobId('receipt', receiptId);
    expect(await hub.queue(QueueName.Ingest).getJobState(receiptJob)).toBe('waiting');
  });
  afterAll(async () => {
    await hub?.close();
  });

  it.each(['waiting', 'wait', 'delayed', 'active', 'paused', 'prioritized'])(
    'refuses to clean every %s job of a queue, for an admin too',
    async (status) => {
      const res = await put(hub, `${BOARD}/ingest/clean/${status}`).expect(403);
      expect(res.body).toMatchObject({ error: 'forbidden', details: [] });
      expect(res.body.message).toMatch(/only completed and failed jobs may be cleaned/i);
      expect(await hub.queue(QueueName.Ingest).getJobState(receiptJob)).toBe('waiting');
    },
  );

  it('refuses to clean one waiting job', async () => {
    await put(hub, `${BOARD}/ingest/${encodeURIComponent(receiptJob)}/clean`).expect(403);
    expect(await hub.queue(QueueName.Ingest).getJobState(receiptJob)).toBe('waiting');
  });

  it('cleans completed and failed jobs, audited', async () => {
    await put(hub, `${BOARD}/ingest/clean/completed`).expect(200);
    await put(hub, `${BOARD}/ingest/clean/failed`).expect(200);
    const audit = await request(hub.url)
      .get('/v1/admin/audit?limit=1')
      .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
      .expect(200);
    expect(audit.body.items[0]).toMatchObject({ action: 'queue-board.clean-all', target: 'ingest' });
    expect(await hub.queue(QueueName.Ingest).getJobState(receiptJob)).toBe('waiting');
  });

  it('cleans one failed job', async () => {
    const queue = hub.queue(QueueName.Sync);
    // A finished job of a queue nobody works here: failed by hand, as a worker would.
    const job = await queue.add('sync-tick', {}, { jobId: 'board-clean-failed' });
    const worker = new Worker(QueueName.Sync, null, {
      connection: queue.opts.connection,
      prefix: queue.opts.prefix,
      autorun: false,
    });
    try {
      const token = 'board-clean-token';
      const taken = await worker.getNextJob(token);
      expect(taken?.id).toBe(job.id);
      await taken!.moveToFailed(new Error('failed on purpose'), token, false);
    } finally {
      await worker.close();
    }
    expect(await queue.getJobState('board-clean-failed')).toBe('failed');
    expect((await put(hub, `${BOARD}/sync/board-clean-failed/clean`)).status).toBeLessThan(300);
    expect(await queue.getJobState('board-clean-failed')).toBe('unknown');
  });
});
