import { type Queue } from 'bullmq';
import { admin, createActiveSource } from '../support/admin-client';
import { startGateway, type GatewayHarness } from '../support/gateway-harness';
import { waitForQueuesToDrain } from '../support/wait-for-queues';
import { gtin13, passThroughSource, sendWebhook } from '../support/webhook-sources';

const GTIN = gtin13('893504961234');
const KEY = `gtin:0${GTIN}`;
const VERSIONS = 60;

describe('record detail is bounded: newest versions and history, a cursor for older ones', () => {
  jest.setTimeout(90_000);
  let hub: GatewayHarness;
  let ingest: Queue;

  const detail = (query = '') =>
    admin(hub.url).get(`/v1/admin/records/product/${encodeURIComponent(KEY)}${query}`);
  type Version = { id: string; version: number; history: unknown[]; historyTotal: number };

  beforeAll(async () => {
    hub = await startGateway({ withWorkers: true });
    const secret = await createActiveSource(hub.url, passThroughSource('detail-src'));
    ingest = hub.queue('ingest');
    // One receipt naming the same product 60 times, each with another name: 60 versions in order.
    const products = Array.from({ length: VERSIONS }, (_, i) => ({
      gtin: GTIN,
      name: `Gạo ST25 lần ${i + 1}`,
      ownerTaxCode: '0301234567',
      netContent: { value: 5, uom: 'KGM' },
    }));
    await sendWebhook(hub.url, 'detail-src', secret, { products });
    await waitForQueuesToDrain([ingest]);
  });
  afterAll(async () => {
    await hub?.close();
  });

  it('answers the newest 50 versions by default, oldest first, with the total and a cursor', async () => {
    const res = await detail().expect(200);
    const versions = res.body.versions as Version[];
    expect(versions.map((v) => v.version)).toEqual(Array.from({ length: 50 }, (_, i) => VERSIONS - 49 + i));
    expect(res.body).toMatchObject({
      kind: 'product',
      key: KEY,
      version: VERSIONS,
      status: 'ready',
      versionsTotal: VERSIONS,
      nextVersionsCursor: versions[0].id,
      duplicatesTotal: 0,
      conflictsTotal: 0,
    });
    // The next page holds the rest; the face stays the latest version.
    const older = await detail(`?before=${res.body.nextVersionsCursor}`).expect(200);
    expect((older.body.versions as Version[]).map((v) => v.version)).toEqual(
      Array.from({ length: 10 }, (_, i) => i + 1),
    );
    expect(older.body).toMatchObject({ version: VERSIONS, nextVersionsCursor: null });
  });

  it('takes the page size and the history per version from the query, within bounds', async () => {
    const res = await detail('?versions=5&history=1').expect(200);
    const versions = res.body.versions as Version[];
    expect(versions.map((v) => v.version)).toEqual([56, 57, 58, 59, 60]);
    for (const v of versions) {
      expect(v.history).toHaveLength(1);
      expect(v.historyTotal).toBeGreaterThanOrEqual(2); // received, then ready
    }
    const full = await detail('?versions=1').expect(200);
    expect(full.body.versions[0].history.length).toBe(full.body.versions[0].historyTotal);
    for (const bad of ['?versions=0', '?versions=501', '?history=x', '?before=abc']) {
      expect((await detail(bad).expect(400)).body.error).toBe('bad_request');
    }
  });
});
