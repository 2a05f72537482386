import request from 'supertest';
import { type Queue } from 'bullmq';
import { type Client } from 'pg';
import { PAYLOAD_LIMITS } from '@txng/mapping';
import { admin, createActiveSource, createToken } from '../support/admin-client';
import { startGateway, type GatewayHarness } from '../support/gateway-harness';
import { waitForQueuesToDrain } from '../support/wait-for-queues';
import { passThroughSource, receiptOutcome } from '../support/webhook-sources';
import { signWebhook } from '../support/webhook-signer';

const MAX = PAYLOAD_LIMITS.maxDepth;
const deepJson = (depth: number) =>
  `{"products":[{"gtin":"1","x":${'['.repeat(depth)}${']'.repeat(depth)}}]}`;
const deepXml = (depth: number) => `<r>${'<a>'.repeat(depth)}${'</a>'.repeat(depth)}</r>`;
/** A header wider than the limit; only ten rows, so that the body stays harmless to a hub without limits. */
const wideCsv = () =>
  `${Array.from({ length: 3000 }, (_, i) => `c${i}`).join(',')}\n${'8935049500018\n'.repeat(10)}`;

const SOURCES = {
  json: { ...passThroughSource('lim-json'), maxBodyBytes: 1024 * 1024 },
  xml: {
    ...passThroughSource('lim-xml'),
    format: 'xml',
    mapping: { language: 'jsonata', expression: '{"products": []}' },
  },
  csv: {
    ...passThroughSource('lim-csv'),
    format: 'csv',
    mapping: { language: 'jsonata', expression: '{"products": $.{"gtin": c0}}' },
  },
};
const CONTENT_TYPE = { json: 'application/json', xml: 'application/xml', csv: 'text/csv' };

describe('parser limits at intake, preview and in the worker (real PostgreSQL and Redis)', () => {
  let hub: GatewayHarness;
  let ingest: Queue;
  let db: Client;
  let viewer: string;
  const secrets: Record<string, string> = {};

  const webhook = (format: keyof typeof SOURCES, payload: string) =>
    request(hub.url)
      .post(`/v1/webhooks/${SOURCES[format].key}`)
      .set({ 'Content-Type': CONTENT_TYPE[format], ...signWebhook(secrets[format], payload) })
      .send(payload);
  const preview = (format: keyof typeof SOURCES, payload: string) =>
    request(hub.url)
      .post(`/v1/admin/sources/${SOURCES[format].key}/preview`)
      .set({ Authorization: `Bearer ${viewer}`, 'Content-Type': CONTENT_TYPE[format] })
      .send(payload);
  const stored = async (format: keyof typeof SOURCES) =>
    Number(
      (await db.query('SELECT count(*) AS n FROM receipt WHERE source_key = $1', [SOURCES[format].key]))
        .rows[0].n,
    );

  beforeAll(async () => {
    hub = await startGateway({ withWorkers: true });
    for (const format of ['json', 'xml', 'csv'] as const)
      secrets[format] = await createActiveSource(hub.url, SOURCES[format]);
    viewer = (await createToken(hub.url, 'viewer')).token;
    ingest = hub.queue('ingest');
    db = await hub.db();
  });
  afterAll(async () => {
    await hub?.close();
  });

  it.each([
    ['json', deepJson(10_000), 'maxDepth', MAX],
    ['xml', deepXml(1000), 'maxDepth', MAX],
    ['csv', wideCsv(), 'csvColumns', PAYLOAD_LIMITS.csvColumns],
  ] as const)(
    'refuses a %s webhook over a limit with 400 naming it, and stores nothing',
    async (format, body, limit, max) => {
      const res = await webhook(format, body).expect(400);
      expect(res.body).toMatchObject({
        error: 'body_limit_exceeded',
        message: expect.stringContaining(`(${limit} = ${max})`),
        details: [
          expect.objectContaining({
            limit,
            max,
            where: expect.objectContaining({ line: expect.any(Number) }),
          }),
        ],
      });
      expect(await stored(format)).toBe(0);
    },
  );

  it.each([
    ['json', deepJson(10_000), 'maxDepth'],
    ['xml', deepXml(1000), 'maxDepth'],
    ['csv', wideCsv(), 'csvColumns'],
  ] as const)(
    "answers a viewer's preview of a %s sample over a limit with the same 400",
    async (format, body, limit) => {
      const res = await preview(format, body).expect(400);
      expect(res.body).toMatchObject({
        error: 'body_limit_exceeded',
        details: [expect.objectContaining({ limit })],
      });
    },
  );

  it('still previews a body at the depth limit', async () => {
    const res = await preview('json', deepJson(MAX - 3)).expect(200);
    expect(res.body.records).toHaveLength(1);
  });

  it('quarantines a stored body over a limit as MALFORMED_PAYLOAD naming it (accepted before the limit existed)', async () => {
    const receiptId = '3e0f9a51-7c2d-4b8e-9a6f-1d2c3b4a5e6f';
    await db.query(
      `INSERT INTO receipt (id, source_key, origin, content_type, body, body_sha256, size_bytes, mapping_version)
       VALUES ($1, 'lim-json', 'poll', 'application/json', $2, 'x', 9, 1)`,
      [receiptId, Buffer.from(deepJson(10_000))],
    );
    await ingest.add('process-receipt', { receiptId }, { jobId: `receipt.${receiptId}` });
    await waitForQueuesToDrain([ingest], { timeoutMs: 30_000 });
    expect(await receiptOutcome(db, receiptId)).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/^MALFORMED_PAYLOAD: .*maxDepth/),
      counts: { quarantined: 1 },
    });
    const res = await admin(hub.url).get(`/v1/admin/records/receipt/receipt:${receiptId}`).expect(200);
    expect(res.body.findings[0]).toMatchObject({
      code: 'MALFORMED_PAYLOAD',
      message: expect.stringContaining(`deeper than ${MAX} levels`),
    });
  });
});
