import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { ActivityRollupService } from '@txng/jobs';
import { type Queue } from 'bullmq';
import { gatewayDocumentOffline } from '../../apps/gateway/src/openapi/api-types';
import { admin, createActiveSource, POLL_SOURCE } from '../support/admin-client';
import { startGateway, type GatewayHarness } from '../support/gateway-harness';
import { eventually } from '../support/sync-harness';
import { waitForOperation } from '../support/wait-for-operation';
import { waitForQueuesToDrain } from '../support/wait-for-queues';
import { gtin13, passThroughSource, sendWebhook } from '../support/webhook-sources';

/*
 * The admin UI's types are generated from the OpenAPI document built offline (Nest's preview mode,
 * test/unit/api-types.spec.ts). Here, against a real hub: that document is the one the gateway
 * serves, and every answer the screens read — with records, a conflict, duplicates, quarantined
 * records, a replay, a reconciliation, a poll source, receipts, an alert, callback deliveries and audit entries in
 * them — is valid against the schema the UI's types come from (docs/admin-ui.md, "Types from the OpenAPI document").
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
    hub = await startGateway({
      withWorkers: true,
      env: {
        SYNC_LINGER_MS: '3600000',
        // A callback that always fails raises CALLBACK_FAILING at the next check.
        ALERT_CHECK_EVERY_MS: '300',
        ALERT_CALLBACK_FAILING_SECONDS: '0',
        CALLBACK_RETRY_DELAYS_SECONDS: '60',
      },
    });
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
    // A province token is answered the other province's side as a WithheldSide, which the schema names.
    const hcm = (
      await admin(hub.url)
        .post('/v1/admin/tokens', { name: 'Sở KH&CN TP. Hồ Chí Minh', role: 'viewer', provinces: ['79'] })
        .expect(201)
    ).body.token as string;
    const scoped = await admin(hub.url, hcm).get('/v1/admin/conflicts?status=open').expect(200);
    expect(scoped.body.items[0].existing).toEqual(
      expect.objectContaining({ withheld: true, provinceCode: '92' }),
    );
    expectValid('ConflictPage', scoped.body);

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

  it("answers records, a record's detail, a replay and its run as the schemas say", async () => {
    // The same payload again through oa-a is a duplicate arrival; one without net content is quarantined.
    const gtin = gtin13('893987600077');
    await sendWebhook(hub.url, 'oa-a', secrets['oa-a'], { products: [product(gtin, 'Gạo', '0301234567')] });
    await sendWebhook(hub.url, 'oa-a', secrets['oa-a'], {
      products: [{ gtin: gtin13('893987600078'), name: 'Gạo thiếu khối lượng', ownerTaxCode: '0301234567' }],
    });
    await waitForQueuesToDrain([ingest], { timeoutMs: 30_000 });

    const records = await admin(hub.url).get('/v1/admin/records?kind=product').expect(200);
    expect(records.body.items.length).toBeGreaterThan(0);
    expectValid('RecordPage', records.body);
    const duplicates = await admin(hub.url).get('/v1/admin/records?status=duplicate').expect(200);
    expect(duplicates.body.items.length).toBeGreaterThan(0);
    expectValid('RecordPage', duplicates.body);

    const key = duplicates.body.items[0].key as string;
    const detail = await admin(hub.url)
      .get(`/v1/admin/records/product/${encodeURIComponent(key)}`)
      .expect(200);
    expect(detail.body.versions.length).toBeGreaterThan(0);
    expect(detail.body.versions[0].history.length).toBeGreaterThan(0);
    expect(detail.body.duplicates.length).toBeGreaterThan(0);
    expect(detail.body.conflicts.length).toBeGreaterThan(0);
    expectValid('RecordDetail', detail.body);

    const quarantined = await admin(hub.url).get('/v1/admin/records?status=quarantined').expect(200);
    expect(quarantined.body.items.length).toBeGreaterThan(0);
    const replay = await admin(hub.url)
      .post('/v1/admin/replay', { status: 'quarantined', sourceKey: 'oa-a' })
      .expect(200);
    expect(replay.body.replayed).toBeGreaterThan(0);
    expectValid('ReplayAnswer', replay.body);
    expectValid(
      'ReplayRun',
      (await admin(hub.url).get(`/v1/admin/replay/${replay.body.runId}`).expect(200)).body,
    );
    let run: unknown;
    await eventually(
      async () => {
        run = (await admin(hub.url).get(`/v1/admin/replay/${replay.body.runId}`).expect(200)).body;
        return (run as { state: string }).state === 'done';
      },
      30_000,
      'the replay run done',
    );
    expectValid('ReplayRun', run);

    // The replay is long work: the operations list shows it; a bulk decision answers its own.
    const operations = await admin(hub.url).get('/v1/admin/operations').expect(200);
    expect(operations.body.items.length).toBeGreaterThan(0);
    expectValid('OperationPage', operations.body);
    const bulk = await admin(hub.url)
      .post('/v1/admin/conflicts/bulk-resolve', {
        code: 'KEY_CLAIMED',
        decision: 'keep-existing',
        note: 'no open conflict of this code is left',
      })
      .expect(202);
    expectValid('BulkResolveAnswer', bulk.body);

    // A reconciliation asked for answers its operation at once; the comparison then shows its run.
    // No portal answers in this rig: the run fails, and its error is part of the shape too.
    const reconciliation = await admin(hub.url).post('/v1/admin/provinces/92/reconciliation').expect(202);
    expectValid('ReconciliationStarted', reconciliation.body);
    await waitForOperation(hub.url, reconciliation.body.id, { timeoutMs: 60_000 });
    const comparison = await admin(hub.url).get('/v1/admin/provinces/92/reconciliation').expect(200);
    expect(comparison.body.latest).toMatchObject({ operationId: reconciliation.body.id });
    expectValid('Reconciliation', comparison.body);
  });

  it('answers sources, their changes and secrets, and provinces as the schemas say', async () => {
    const created = await admin(hub.url)
      .post('/v1/admin/sources', {
        ...POLL_SOURCE,
        key: 'oa-poll',
        callback: { url: 'http://127.0.0.1:9/cb', events: ['receipt.processed'] },
      })
      .expect(201);
    expect(created.body.callbackSecret).toEqual(expect.any(String));
    expectValid('SourceWithSecrets', created.body);

    const list = await admin(hub.url).get('/v1/admin/sources').expect(200);
    expect(list.body.items.map((s: { key: string }) => s.key)).toEqual(
      expect.arrayContaining(['oa-a', 'oa-b', 'oa-poll']),
    );
    expectValid('SourcePage', list.body);
    const poll = await admin(hub.url).get('/v1/admin/sources/oa-poll').expect(200);
    expect(poll.body.poll).not.toBeNull();
    expectValid('SourceView', poll.body);
    expectValid('SourceView', (await admin(hub.url).get('/v1/admin/sources/oa-a').expect(200)).body);

    const patched = await admin(hub.url)
      .patch('/v1/admin/sources/oa-poll', {
        mapping: { language: 'jsonata', expression: '{ "products": data }' },
      })
      .expect(200);
    expect(patched.body.mapping.version).toBe(2);
    expectValid('SourceWithSecrets', patched.body);
    expectValid(
      'SourceView',
      (await admin(hub.url).post('/v1/admin/sources/oa-poll/start-testing').expect(200)).body,
    );
    expectValid(
      'SourceView',
      (await admin(hub.url).post('/v1/admin/sources/oa-poll/pause').expect(200)).body,
    );
    expectValid(
      'SourceView',
      (await admin(hub.url).post('/v1/admin/sources/oa-poll/resume').expect(200)).body,
    );
    expectValid(
      'SourceView',
      (await admin(hub.url).post('/v1/admin/sources/oa-poll/activate').expect(200)).body,
    );
    const rotated = await admin(hub.url).post('/v1/admin/sources/oa-b/rotate-secret').expect(200);
    expect(rotated.body.webhookSecret).toEqual(expect.any(String));
    expectValid('SourceWithSecrets', rotated.body);
    const callback = await admin(hub.url)
      .post('/v1/admin/sources/oa-poll/rotate-callback-secret')
      .expect(200);
    expect(callback.body.callbackSecret).toEqual(expect.any(String));
    expectValid('SourceWithSecrets', callback.body);
    // Nothing listens on the poll source's port: the fetch fails, and the answer says so.
    const tested = await admin(hub.url).post('/v1/admin/sources/oa-poll/test-connection').expect(200);
    expect(tested.body).toMatchObject({ ok: false, items: 0, error: expect.any(String) });
    expectValid('TestConnectionResult', tested.body);
    // A backfill answers its operation and links at once (its fetches then fail the same way).
    const backfill = await admin(hub.url).post('/v1/admin/sources/oa-poll/backfill', {}).expect(202);
    expect(backfill.body).toMatchObject({ kind: 'poll-backfill', sourceKey: 'oa-poll', state: 'queued' });
    expectValid('StartedOperation', backfill.body);

    expectValid('WhoAmI', (await admin(hub.url).get('/v1/admin/whoami').expect(200)).body);
    const provinces = await admin(hub.url).get('/v1/admin/provinces').expect(200);
    expect(provinces.body.summary.syncing).toBeGreaterThan(0);
    expect(provinces.body.legacy.length).toBeGreaterThan(0);
    expectValid('ProvincePage', provinces.body);
  });

  it('answers mapping previews and a mapping trial as the schemas say', async () => {
    const sample = JSON.stringify({
      products: [product(gtin13('893987600079'), 'Gạo', '0301234567'), { gtin: '123', name: 'Sai mã' }],
    });
    const preview = await admin(hub.url)
      .post('/v1/admin/sources/oa-a/preview')
      .set('Content-Type', 'application/json')
      .send(sample)
      .expect(200);
    expect(preview.body.records).toHaveLength(2);
    expect(preview.body.records[1].findings.length).toBeGreaterThan(0);
    expectValid('PreviewAnswer', preview.body);

    const malformed = await admin(hub.url)
      .post('/v1/admin/sources/oa-a/preview-draft', { expression: '$', sample: '{ "products": [' })
      .expect(200);
    expect(malformed.body.findings[0].code).toBe('MALFORMED_PAYLOAD');
    expectValid('PreviewAnswer', malformed.body);
    const broken = await admin(hub.url)
      .post('/v1/admin/sources/oa-a/preview-draft', { expression: '{ "products": products.[ }', sample })
      .expect(200);
    expect(broken.body.findings[0].code).toBe('MAPPING_INVALID');
    expectValid('PreviewAnswer', broken.body);

    const trial = await admin(hub.url)
      .post('/v1/admin/sources/oa-a/try-mapping', {
        expression: '{ "products": products.{ "gtin": gtin, "name": name, "ownerTaxCode": ownerTaxCode } }',
      })
      .expect(200);
    expect(trial.body.receipts).toBeGreaterThan(0);
    expect(trial.body.changes.length).toBeGreaterThan(0);
    expectValid('MappingTrial', trial.body);
  });

  it('answers the charts as the schema says', async () => {
    expect(await hub.app.get(ActivityRollupService).runOnce()).toBeGreaterThan(0);
    const hour = await admin(hub.url).get('/v1/admin/activity').expect(200);
    expect(hour.body.points.some((p: { received: number }) => p.received > 0)).toBe(true);
    expect(hour.body.queueDepth.length).toBeGreaterThan(0);
    expectValid('ActivitySeries', hour.body);
    expectValid(
      'ActivitySeries',
      (await admin(hub.url).get('/v1/admin/activity?window=day&source=oa-a').expect(200)).body,
    );
  });

  it('answers receipts, alerts and callback deliveries as the schemas say', async () => {
    // 127.0.0.2 is outside the tests' OUTBOUND_ALLOWLIST: every delivery of oa-cb fails.
    const created = await admin(hub.url)
      .post('/v1/admin/sources', {
        ...passThroughSource('oa-cb', '92'),
        callback: { url: 'http://127.0.0.2:9/cb', events: ['receipt.processed'] },
      })
      .expect(201);
    await admin(hub.url).post('/v1/admin/sources/oa-cb/activate').expect(200);
    const receiptId = await sendWebhook(hub.url, 'oa-cb', created.body.webhookSecret as string, {
      products: [
        product(gtin13('893987600080'), 'Gạo', '0301234567'),
        { gtin: gtin13('893987600081'), name: 'Gạo thiếu khối lượng', ownerTaxCode: '0301234567' },
      ],
    });
    await waitForQueuesToDrain([ingest], { timeoutMs: 30_000 });

    const page = await admin(hub.url).get('/v1/admin/receipts?sourceKey=oa-cb').expect(200);
    expect(page.body.items.map((r: { id: string }) => r.id)).toEqual([receiptId]);
    expectValid('ReceiptPage', page.body);
    const all = await admin(hub.url).get('/v1/admin/receipts?limit=2').expect(200);
    expect(all.body.nextCursor).toEqual(expect.any(String));
    expectValid('ReceiptPage', all.body);
    const detail = await admin(hub.url).get(`/v1/admin/receipts/${receiptId}`).expect(200);
    expect(detail.body.records.map((r: { status: string }) => r.status).sort()).toEqual([
      'quarantined',
      'ready',
    ]);
    expect(
      detail.body.records.find((r: { status: string }) => r.status === 'quarantined').findings.length,
    ).toBeGreaterThan(0);
    expectValid('ReceiptDetail', detail.body);
    // Judged again by a replay of chosen receipts: the answer, and the records naming the replay.
    const again = await admin(hub.url)
      .post('/v1/admin/replay/receipts', { sourceKey: 'oa-cb', receiptIds: [receiptId] })
      .expect(202);
    expectValid('ReplayReceiptsAnswer', again.body);
    await waitForOperation(hub.url, again.body.operationId, { state: 'done' });
    const rejudged = await admin(hub.url).get(`/v1/admin/receipts/${receiptId}`).expect(200);
    expect(rejudged.body.records.map((r: { replayRunId: string | null }) => r.replayRunId)).toEqual([
      again.body.operationId,
      again.body.operationId,
    ]);
    expectValid('ReceiptDetail', rejudged.body);
    // oa-b's receipt opened the KEY_CLAIMED conflict: its record names it.
    const claimed = await admin(hub.url).get('/v1/admin/receipts?sourceKey=oa-b').expect(200);
    const withConflict = await admin(hub.url)
      .get(`/v1/admin/receipts/${claimed.body.items[claimed.body.items.length - 1].id}`)
      .expect(200);
    expect(withConflict.body.records[0].conflict).toMatchObject({ code: 'KEY_CLAIMED' });
    expectValid('ReceiptDetail', withConflict.body);

    const failed = await eventually(
      async () => {
        const list = await admin(hub.url).get('/v1/admin/sources/oa-cb/deliveries').expect(200);
        const body = list.body as {
          items: Array<{ id: string; attempts: Array<{ error: string | null }> }>;
        };
        return body.items.length > 0 && body.items[0].attempts.length > 0 ? body : undefined;
      },
      30_000,
      'a failed attempt of the receipt.processed callback',
    );
    expect(failed.items[0].attempts[0].error).toEqual(expect.any(String));
    expectValid('DeliveryPage', failed);
    const redelivered = await admin(hub.url)
      .post(`/v1/admin/sources/oa-cb/deliveries/${failed.items[0].id}/redeliver`)
      .expect(202);
    expect(redelivered.body.id).toBe(failed.items[0].id);
    expectValid('Delivery', redelivered.body);

    const alerts = await eventually(
      async () => {
        const answer = await admin(hub.url).get('/v1/admin/alerts').expect(200);
        const body = answer.body as { items: Array<{ code: string; sourceKey: string | null }> };
        return body.items.some((a) => a.code === 'CALLBACK_FAILING' && a.sourceKey === 'oa-cb')
          ? body
          : undefined;
      },
      30_000,
      'CALLBACK_FAILING of oa-cb',
    );
    expectValid('AlertList', alerts);
  });
});
