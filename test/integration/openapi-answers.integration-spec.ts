import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { type Queue } from 'bullmq';
import { gatewayDocumentOffline } from '../../apps/gateway/src/openapi/api-types';
import { admin, createActiveSource } from '../support/admin-client';
import { startGateway, type GatewayHarness } from '../support/gateway-harness';
import { waitForQueuesToDrain } from '../support/wait-for-queues';
import { gtin13, passThroughSource, sendWebhook } from '../support/webhook-sources';

/*
 * The admin UI's types are generated from the OpenAPI document built offline (Nest's preview mode,
 * test/unit/api-types.spec.ts). Here, against a real hub: that document is the one the gateway
 * serves, and the answers the screens read — with a record, a conflict and audit entries in them —
 * are valid against the schemas the UI's types come from (docs/admin-ui.md).
 */
describe("the OpenAPI document describes the gateway's real answers", () => {
  let hub: GatewayHarness;
  let ingest: Queue;
  const secrets: Record<string, string> = {};
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);

  const product = (gtin: string, name: string, owner: string) => ({
    gtin,
    name,
    ownerTaxCode: owner,
    netContent: { value: 5, uom: 'KGM' },
  });
  /**
   * OpenAPI 3.0 writes a nullable reference as `{ nullable: true, type: 'object', allOf: [{ $ref }] }`;
   * Ajv lets `nullable` widen `type` but still applies the allOf to null, so such a node becomes
   * `anyOf: [<it without nullable>, { type: 'null' }]`.
   */
  const forAjv = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(forAjv);
    if (typeof node !== 'object' || node === null) return node;
    const copy = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, forAjv(v)]));
    if (copy.nullable === true && (copy.allOf || copy.$ref)) {
      delete copy.nullable;
      return { anyOf: [copy, { type: 'null' }] };
    }
    return copy;
  };
  const expectValid = (schema: string, body: unknown): void => {
    const valid = ajv.validate({ $ref: `openapi#/components/schemas/${schema}` }, body);
    expect({ schema, errors: valid ? null : ajv.errors }).toEqual({ schema, errors: null });
  };

  beforeAll(async () => {
    hub = await startGateway({ withWorkers: true, env: { SYNC_LINGER_MS: '3600000' } });
    ingest = hub.queue('ingest');
    for (const [key, province] of [
      ['oa-a', '92'],
      ['oa-b', '79'],
    ]) {
      secrets[key] = await createActiveSource(hub.url, passThroughSource(key, province));
    }
    // Version 1 through oa-a, then another owner's claim of the same GTIN through oa-b: KEY_CLAIMED.
    const gtin = gtin13('893987600077');
    await sendWebhook(hub.url, 'oa-a', secrets['oa-a'], { products: [product(gtin, 'Gạo', '0301234567')] });
    await waitForQueuesToDrain([ingest], { timeoutMs: 30_000 });
    await sendWebhook(hub.url, 'oa-b', secrets['oa-b'], { products: [product(gtin, 'Gạo B', '0309876543')] });
    await waitForQueuesToDrain([ingest], { timeoutMs: 30_000 });
  });
  afterAll(async () => {
    await hub?.close();
  });

  it('serves at /docs/openapi.json the document the UI types are generated from', async () => {
    const served = await admin(hub.url).get('/docs/openapi.json').expect(200);
    const offline = JSON.parse(JSON.stringify(await gatewayDocumentOffline())) as Record<string, unknown>;
    expect(served.body).toEqual(offline);
    ajv.addSchema(forAjv(served.body) as object, 'openapi');
  });

  it('answers overview, conflicts, a resolution, search, queues and audit as the schemas say', async () => {
    const overview = await admin(hub.url).get('/v1/admin/overview').expect(200);
    expect(overview.body.provinces.length).toBeGreaterThan(0);
    expectValid('Overview', overview.body);

    const conflicts = await admin(hub.url).get('/v1/admin/conflicts?status=open').expect(200);
    expect(conflicts.body.items).toHaveLength(1);
    expect(conflicts.body.items[0].existing).not.toBeNull();
    expectValid('ConflictPage', conflicts.body);

    const search = await admin(hub.url)
      .get(`/v1/admin/search?q=${encodeURIComponent(conflicts.body.items[0].key)}`)
      .expect(200);
    expect(search.body.items.length).toBeGreaterThan(0);
    expectValid('SearchAnswer', search.body);

    const resolved = await admin(hub.url)
      .post(`/v1/admin/conflicts/${conflicts.body.items[0].id}/resolve`, {
        decision: 'keep-existing',
        note: 'the first owner holds the prefix',
      })
      .expect(200);
    expectValid('Conflict', resolved.body);

    const queues = await admin(hub.url).get('/v1/admin/queues').expect(200);
    expectValid('QueuePage', queues.body);
    const paused = await admin(hub.url).post('/v1/admin/queues/maintenance/pause').expect(200);
    expectValid('QueueStats', paused.body);
    await admin(hub.url).post('/v1/admin/queues/maintenance/resume').expect(200);

    const audit = await admin(hub.url).get('/v1/admin/audit').expect(200);
    expect(audit.body.items.length).toBeGreaterThan(0);
    expectValid('AuditPage', audit.body);
  });
});
