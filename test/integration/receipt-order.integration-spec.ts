import { ReceiptsService } from '@txng/connectors';
import { normalizeRecord, recordKey } from '@txng/national-model';
import { jobId } from '@txng/queues';
import { type Queue } from 'bullmq';
import { type Client } from 'pg';
import { admin, createActiveSource } from '../support/admin-client';
import { startGateway, type GatewayHarness } from '../support/gateway-harness';
import { eventually } from '../support/sync-harness';
import { gtin13, passThroughSource, sendWebhook } from '../support/webhook-sources';

const org = (name: string) => ({ taxCode: '0370123456', name, provinceCode: '92' });
const KEY = recordKey('organization', normalizeRecord('organization', org('x')).data)!;

describe('one source’s receipts are judged in the order the hub acknowledged them', () => {
  let hub: GatewayHarness;
  let ingest: Queue;
  let db: Client;
  let secret: string;

  beforeAll(async () => {
    hub = await startGateway({ withWorkers: true });
    secret = await createActiveSource(hub.url, passThroughSource('order-a', '92'));
    ingest = hub.queue('ingest');
    db = await hub.db();
  });
  afterAll(async () => {
    await hub?.close();
  });

  const versions = async (): Promise<Array<[number, string]>> =>
    (
      await db.query<{ version: number; name: string }>(
        `SELECT version, data->>'name' AS name FROM record_version
          WHERE kind = 'organization' AND key = $1 AND version IS NOT NULL ORDER BY version`,
        [KEY],
      )
    ).rows.map((r) => [r.version, r.name]);
  const status = async (id: string): Promise<string> =>
    (await db.query<{ status: string }>(`SELECT status FROM receipt WHERE id = $1`, [id])).rows[0].status;

  it('a receipt whose job was lost and queued again by the sweeper is judged before a later one', async () => {
    await ingest.pause();
    const first = await sendWebhook(hub.url, 'order-a', secret, { organizations: [org('bản 1')] });
    const second = await sendWebhook(hub.url, 'order-a', secret, { organizations: [org('bản 2')] });
    await eventually(async () => (await status(first)) === 'queued' && (await status(second)) === 'queued');

    // The first receipt's job is lost (Redis lost it, a kill took it): only the second is in the queue.
    await (await ingest.getJob(jobId('receipt', first)))!.remove();
    await ingest.resume();
    // The second receipt's job has run once: judged (before the fix) or put back to wait.
    await eventually(
      async () => ['completed', 'delayed'].includes(await ingest.getJobState(jobId('receipt', second))),
      20_000,
      'the later receipt’s job run once',
    );

    // The sweeper finds the first receipt without a job and queues it again.
    expect(await hub.app.get(ReceiptsService).requeueLost(0)).toBeGreaterThanOrEqual(1);
    await eventually(
      async () => (await status(first)) === 'processed' && (await status(second)) === 'processed',
      30_000,
      'both receipts processed',
    );
    expect(await versions()).toEqual([
      [1, 'bản 1'],
      [2, 'bản 2'],
    ]);
  });

  it('a job goes on with the next receipts of its source in order; their own jobs find them judged and end at once', async () => {
    const source = 'order-run';
    const runSecret = await createActiveSource(hub.url, passThroughSource(source, '92'));
    const gtin = gtin13('893504951200');
    const names = Array.from({ length: 12 }, (_, i) => `Lúa lượt ${i}`);
    const receipts: string[] = [];
    await ingest.pause();
    try {
      for (const name of names) {
        const product = { gtin, name, ownerTaxCode: '0370123456', netContent: { value: 5, uom: 'KGM' } };
        receipts.push(await sendWebhook(hub.url, source, runSecret, { products: [product] }));
      }
    } finally {
      await ingest.resume();
    }
    await eventually(
      async () => (await Promise.all(receipts.map(status))).every((s) => s === 'processed'),
      60_000,
      'every receipt judged',
    );
    const judged = await db.query<{ version: number; name: string }>(
      `SELECT version, data->>'name' AS name FROM record_version WHERE kind = 'product' AND key = $1 ORDER BY version`,
      [`gtin:0${gtin}`],
    );
    expect(judged.rows.map((r) => [r.version, r.name])).toEqual(names.map((n, i) => [i + 1, n]));
    const results = await eventually(async () => {
      const jobs = await Promise.all(receipts.map((id) => ingest.getJob(jobId('receipt', id))));
      return jobs.every((j) => j?.finishedOn) ? jobs : null;
    }, 30_000);
    const values = results.map((j) => j!.returnvalue as { following?: number; judgedBefore?: true });
    const following = values.reduce((n, v) => n + (v.following ?? 0), 0);
    expect(following).toBeGreaterThan(0);
    // Each receipt judged in a run ends its own job at once (unless that job took it at the very
    // same moment, when the receipt's row lock lets one of the two judge it).
    const ended = values.filter((v) => v.judgedBefore).length;
    expect(ended).toBeGreaterThan(0);
    expect(ended).toBeLessThanOrEqual(following);
  });

  it('a receipt that failed unjudged does not hold back the later receipts of its source', async () => {
    await ingest.pause();
    const failed = await sendWebhook(hub.url, 'order-a', secret, { organizations: [org('bản 3')] });
    await eventually(async () => (await status(failed)) === 'queued');
    // Given up before it was judged (its mapping gone, say): an operator's to replay, waited for by nobody.
    await (await ingest.getJob(jobId('receipt', failed)))!.remove();
    await db.query(`UPDATE receipt SET status = 'failed' WHERE id = $1`, [failed]);
    await ingest.resume();
    const later = await sendWebhook(hub.url, 'order-a', secret, { organizations: [org('bản 4')] });
    await eventually(
      async () => (await status(later)) === 'processed',
      20_000,
      'the later receipt processed',
    );
    expect((await versions()).at(-1)).toEqual([3, 'bản 4']);
  });

  it('a replay re-judges an old receipt at once, even with an earlier receipt of its source unjudged', async () => {
    // Quarantined (the GTIN's check digit is wrong): something for a replay to re-judge.
    const bad = {
      gtin: `${gtin13('893504990001').slice(0, 12)}0`,
      name: 'Gạo sai',
      ownerTaxCode: '0370123456',
    };
    const quarantined = await sendWebhook(hub.url, 'order-a', secret, { products: [bad] });
    await eventually(async () => (await status(quarantined)) === 'processed');
    // An earlier receipt of the source, acknowledged and not judged yet (queued an hour ahead, so no
    // sweeper touches it while this runs).
    const { rows } = await db.query<{ id: string }>(
      `INSERT INTO receipt (id, source_key, origin, content_type, body, body_sha256, size_bytes, status,
                            received_at, queued_at)
       VALUES (gen_random_uuid(), 'order-a', 'webhook', 'application/json', '\\x7b7d', 'x', 2, 'queued',
               now() - interval '1 hour', now() + interval '1 hour')
       RETURNING id::text AS id`,
    );
    try {
      const run = await admin(hub.url)
        .post('/v1/admin/replay')
        .send({ status: 'quarantined', sourceKey: 'order-a' })
        .expect(200);
      expect(run.body).toMatchObject({ receipts: 1 });
      await eventually(
        async () =>
          (await ingest.getJobState(`replay.${run.body.runId as string}.${quarantined}`)) === 'completed',
        20_000,
        'the replayed receipt judged again',
      );
    } finally {
      await db.query(`DELETE FROM receipt WHERE id = $1`, [rows[0].id]);
    }
  });
});
