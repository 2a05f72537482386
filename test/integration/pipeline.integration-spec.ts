import request from 'supertest';
import { mappingSandbox } from '@txng/mapping';
import { type Queue } from 'bullmq';
import { type Client } from 'pg';
import { admin, createActiveSource } from '../support/admin-client';
import { startGateway, type GatewayHarness } from '../support/gateway-harness';
import { waitForQueuesToDrain } from '../support/wait-for-queues';
import { eventually } from '../support/sync-harness';
import { signWebhook } from '../support/webhook-signer';
import { gtin13, passThroughSource, receiptOutcome, sendWebhook } from '../support/webhook-sources';

const OWNER_A = '0301234567';
const OWNER_B = '0309876543';
const product = (gtin: string, name: string, owner = OWNER_A) => ({
  gtin,
  name,
  ownerTaxCode: owner,
  netContent: { value: 5, uom: 'KGM' },
});
const event = (extra: Record<string, unknown> = {}) => ({
  type: 'ObjectEvent',
  eventTime: '2025-07-31T08:00:00+07:00',
  eventTimeZoneOffset: '+07:00',
  action: 'OBSERVE',
  bizStep: 'shipping',
  epcList: ['https://id.gs1.org/01/08935049500018/21/SN001'],
  readPoint: { id: 'https://id.gs1.org/414/8935049000006' },
  ...extra,
});

describe('pipeline: dedup, versions, conflicts, quarantine (real PostgreSQL and Redis)', () => {
  let hub: GatewayHarness;
  let ingest: Queue;
  let db: Client;
  const secrets: Record<string, string> = {};

  const send = (source: string, envelope: unknown, webhookId?: string): Promise<string> =>
    sendWebhook(hub.url, source, secrets[source], envelope, { id: webhookId });
  const drain = () => waitForQueuesToDrain([ingest], { timeoutMs: 30_000 });
  const detail = (kind: string, key: string) =>
    admin(hub.url).get(`/v1/admin/records/${kind}/${encodeURIComponent(key)}`);
  const receiptCounts = (id: string) => receiptOutcome(db, id);

  beforeAll(async () => {
    hub = await startGateway({ withWorkers: true });
    for (const [key, province] of [
      ['pl-a', '92'],
      ['pl-b', '79'],
      ['pl-c', '01'],
      ['pl-e', '92'],
    ]) {
      secrets[key] = await createActiveSource(hub.url, passThroughSource(key, province));
    }
    const failing = {
      ...passThroughSource('pl-bad-map', '92'),
      mapping: { language: 'jsonata', expression: '$error("the province changed its format")' },
    };
    secrets['pl-bad-map'] = await createActiveSource(hub.url, failing);
    // Backtracks for minutes on a name of many a's followed by "!": one RegExp call that never
    // returns to JSONata's own time checks.
    const runaway = {
      ...passThroughSource('pl-runaway', '92'),
      mapping: { language: 'jsonata', expression: '($match(products[0].name, /(a+)+$/); $)' },
    };
    secrets['pl-runaway'] = await createActiveSource(hub.url, runaway);
    ingest = hub.queue('ingest');
    db = await hub.db();
  });
  afterAll(async () => {
    await hub?.close();
  });

  it('quarantines each validation code with its finding, and the rest of the receipt goes on', async () => {
    const cases: Array<[string, string, unknown]> = [
      ['GTIN_FORMAT', 'products', product('8935049500019', 'GTIN sai')],
      ['GTIN_RESTRICTED', 'products', product('2000000000015', 'GTIN nội bộ')],
      [
        'UOM_UNKNOWN',
        'products',
        { ...product(gtin13('893504950901'), 'Đơn vị lạ'), netContent: { value: 5, uom: 'tạ' } },
      ],
      [
        'QUANTITY_RANGE',
        'products',
        { ...product(gtin13('893504950902'), 'Âm'), netContent: { value: -1, uom: 'KGM' } },
      ],
      ['REQUIRED_FIELD', 'products', { gtin: gtin13('893504950903') }],
      ['PORTAL_MINIMUM', 'products', { gtin: gtin13('893504950904') }],
      [
        'GLN_FORMAT',
        'locations',
        { gln: '8935049000007', name: 'Vùng trồng', type: 'farm', provinceCode: '92' },
      ],
      ['TAX_CODE_FORMAT', 'organizations', { taxCode: '301234567', name: 'HTX', provinceCode: '92' }],
      ['PROVINCE_UNKNOWN', 'organizations', { taxCode: '0300588569', name: 'HTX', provinceCode: '99' }],
      ['LOT_FORMAT', 'lots', { gtin: '08935049500018', lot: 'LÔ 01' }],
      [
        'DATE_ORDER',
        'lots',
        { gtin: '08935049500018', lot: 'L02', productionDate: '2025-07-01', expiryDate: '2025-06-30' },
      ],
      ['SERIAL_FORMAT', 'events', event({ epcList: ['https://id.gs1.org/01/08935049500018/21/SN 1'] })],
      ['SSCC_FORMAT', 'events', event({ epcList: ['https://id.gs1.org/00/089350490000000001'] })],
      ['EVENT_TIME_FUTURE', 'events', event({ eventTime: '2099-01-01T00:00:00+07:00' })],
      ['EVENT_SHAPE', 'events', event({ eventTimeZoneOffset: '+7:00' })],
    ];
    const envelope: Record<string, unknown[]> = { products: [product(gtin13('893504950900'), 'Hợp lệ')] };
    for (const [, field, record] of cases) (envelope[field] ??= []).push(record);
    const receiptId = await send('pl-e', envelope);
    await drain();

    const res = await admin(hub.url)
      .get('/v1/admin/records?sourceKey=pl-e&status=quarantined&limit=500')
      .expect(200);
    expect(res.body.items).toHaveLength(cases.length);
    const codes = new Set(
      res.body.items.flatMap((i: { findings: Array<{ code: string }> }) => i.findings.map((f) => f.code)),
    );
    for (const [code] of cases) expect(codes).toContain(code);
    for (const item of res.body.items) {
      expect(item).toMatchObject({
        status: 'quarantined',
        version: null,
        source: 'pl-e',
        receiptId,
        webhookId: expect.any(String),
        mappingVersion: 1,
      });
      // What quarantined it (a fictional owner tax code may add a TAX_CODE_CHECK_DIGIT warning).
      expect(item.findings.find((f: { severity?: string }) => f.severity !== 'warning')).toEqual({
        code: expect.any(String),
        message: expect.any(String),
        path: expect.any(String),
      });
      // The quarantined record is kept as mapped, for the operator to see: a non-empty object.
      expect(typeof item.data).toBe('object');
      expect(Object.keys(item.data)).not.toHaveLength(0);
    }
    const ready = await admin(hub.url).get('/v1/admin/records?sourceKey=pl-e&status=ready').expect(200);
    expect(ready.body.items.map((i: { key: string }) => i.key)).toEqual([`gtin:0${gtin13('893504950900')}`]);
    expect(await receiptCounts(receiptId)).toMatchObject({
      status: 'processed',
      counts: { new: 1, quarantined: cases.length },
    });
  });

  it('treats a webhook retry with a new webhook-id and the same content as a duplicate: counted, linked, not a version', async () => {
    const p = product(gtin13('893504950010'), 'Gạo ST25 túi 5kg');
    const first = await send('pl-a', { products: [p] });
    await drain();
    const retry = await send('pl-a', { products: [p] });
    await drain();
    expect(retry).not.toBe(first);
    const key = `gtin:0${p.gtin}`;
    const res = await detail('product', key).expect(200);
    expect(res.body).toMatchObject({
      kind: 'product',
      key,
      version: 1,
      status: 'ready',
      receiptId: first,
      claimant: OWNER_A,
    });
    expect(res.body.versions).toHaveLength(1);
    expect(res.body.versions[0].history.map((h: { status: string }) => h.status)).toEqual([
      'received',
      'ready',
    ]);
    expect(res.body.duplicates).toEqual([
      expect.objectContaining({ receiptId: retry, duplicateOf: res.body.versions[0].id, version: 1 }),
    ]);
    const dups = await admin(hub.url)
      .get(`/v1/admin/records?status=duplicate&key=${encodeURIComponent(key)}`)
      .expect(200);
    expect(dups.body.items).toEqual([
      expect.objectContaining({ key, status: 'duplicate', version: 1, receiptId: retry }),
    ]);
    expect(await receiptCounts(retry)).toMatchObject({ status: 'processed', counts: { duplicate: 1 } });
  });

  it('makes version 2 of an update from the same claimant, and a conflict KEY_CLAIMED of another claimant with both sides', async () => {
    const gtin = gtin13('893504950020');
    const key = `gtin:0${gtin}`;
    await send('pl-a', { products: [product(gtin, 'Cà phê rang xay')] });
    await drain();
    const update = await send('pl-a', {
      products: [{ ...product(gtin, 'Cà phê rang xay 500g'), brand: 'Buôn Ma' }],
    });
    await drain();
    let res = await detail('product', key).expect(200);
    expect(res.body).toMatchObject({
      version: 2,
      status: 'ready',
      receiptId: update,
      data: { name: 'Cà phê rang xay 500g' },
    });
    expect(res.body.versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);

    const claim = await send('pl-b', { products: [product(gtin, 'Cà phê giả', OWNER_B)] });
    await drain();
    res = await detail('product', key).expect(200);
    expect(res.body).toMatchObject({ version: 2, status: 'ready', claimant: OWNER_A });
    const incoming = res.body.versions.find((v: { status: string }) => v.status === 'conflict');
    expect(incoming).toMatchObject({
      version: null,
      source: 'pl-b',
      receiptId: claim,
      findings: [expect.objectContaining({ code: 'KEY_CLAIMED', path: '/ownerTaxCode' })],
    });
    const conflicts = await admin(hub.url).get('/v1/admin/conflicts?status=open').expect(200);
    const conflict = conflicts.body.items.find((c: { key: string }) => c.key === key);
    expect(conflict).toMatchObject({
      code: 'KEY_CLAIMED',
      kind: 'product',
      key,
      status: 'open',
      existing: { version: 2, data: { ownerTaxCode: OWNER_A }, source: 'pl-a' },
      incoming: { status: 'conflict', data: { ownerTaxCode: OWNER_B }, source: 'pl-b' },
    });
    // The same conflicting content again is a duplicate of the held arrival, not a second conflict.
    await send('pl-b', { products: [product(gtin, 'Cà phê giả', OWNER_B)] });
    await drain();
    const again = await admin(hub.url)
      .get(`/v1/admin/conflicts?status=open&key=${encodeURIComponent(key)}`)
      .expect(200);
    expect(again.body.items).toHaveLength(1);
  });

  it('keeps an event that arrives twice (two provinces) as one event', async () => {
    const e = event({ eventTime: '2025-07-30T10:00:00+07:00' });
    const first = await send('pl-a', { events: [e] });
    await send('pl-b', { events: [e] });
    await drain();
    const list = await admin(hub.url).get('/v1/admin/records?kind=event&status=ready').expect(200);
    const mine = list.body.items.filter((i: { receiptId: string }) => i.receiptId === first);
    expect(mine).toHaveLength(1);
    expect(mine[0].key).toMatch(/^ni:\/\/\/sha-256;[0-9a-f]{64}\?ver=CBV2\.0$/);
    const res = await detail('event', mine[0].key).expect(200);
    expect(res.body.versions).toHaveLength(1);
    expect(res.body.duplicates).toHaveLength(1);
    // The key holds '/' and ':': it works unencoded too.
    await admin(hub.url)
      .get(`/v1/admin/records/event/${mine[0].key.replace('?', '%3F')}`)
      .expect(200);
  });

  it("takes a province's error declaration on a held event as its next version, ready to sync", async () => {
    const e = event({ eventTime: '2025-07-28T10:00:00+07:00' });
    const first = await send('pl-a', { events: [e] });
    await drain();
    const list = await admin(hub.url).get('/v1/admin/records?kind=event&status=ready').expect(200);
    const key = list.body.items.find((i: { receiptId: string }) => i.receiptId === first).key;
    const errorDeclaration = {
      declarationTime: '2025-07-29T09:00:00+07:00',
      reason: 'incorrect_data',
      correctiveEventIDs: ['urn:uuid:0f7c3f2e-2b1a-4c55-9d0e-3a6f1b2c4d5e'],
    };
    const correction = await send('pl-a', { events: [{ ...e, errorDeclaration }] });
    await drain();
    // The uncorrected event arriving late again changes nothing.
    await send('pl-a', { events: [e] });
    await drain();
    const res = await detail('event', key).expect(200);
    expect(res.body).toMatchObject({
      key,
      version: 2,
      status: 'ready',
      receiptId: correction,
      data: { errorDeclaration },
    });
    expect(res.body.versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    const v2 = res.body.versions.find((v: { version: number }) => v.version === 2);
    expect(v2.history.map((h: { reason: string }) => h.reason).join(' | ')).toContain('error declaration');
    expect((await receiptCounts(correction)).counts).toEqual({ version: 1 });
  });

  it('raises EVENT_ID_REUSED when a source-given eventID comes back with another event hash', async () => {
    const eventID = 'urn:uuid:6d0a7c4e-9c4b-4a53-9f62-2f4b9b1d1a01';
    await send('pl-a', { events: [event({ eventID, eventTime: '2025-07-29T10:00:00+07:00' })] });
    await drain();
    await send('pl-a', { events: [event({ eventID, eventTime: '2025-07-29T11:00:00+07:00' })] });
    await drain();
    const conflicts = await admin(hub.url).get('/v1/admin/conflicts?status=open').expect(200);
    const reused = conflicts.body.items.filter((c: { code: string }) => c.code === 'EVENT_ID_REUSED');
    expect(reused).toHaveLength(1);
    expect(reused[0].existing).toMatchObject({
      version: 1,
      data: { eventID, eventTime: '2025-07-29T10:00:00+07:00' },
    });
    expect(reused[0].incoming).toMatchObject({
      status: 'conflict',
      data: { eventID, eventTime: '2025-07-29T11:00:00+07:00' },
    });
  });

  it('processes a 500-record receipt, pages through it, and processing the same receipt again creates nothing twice', async () => {
    const products = Array.from({ length: 500 }, (_, i) =>
      product(gtin13(`8935050${String(i).padStart(5, '0')}`), `Sản phẩm ${i}`),
    );
    const receiptId = await send('pl-c', { products });
    await drain();
    expect(await receiptCounts(receiptId)).toMatchObject({ status: 'processed', counts: { new: 500 } });
    const seen = new Set<string>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: request.Response = await admin(hub.url)
        .get(`/v1/admin/records?sourceKey=pl-c&limit=200${cursor ? `&cursor=${cursor}` : ''}`)
        .expect(200);
      for (const item of res.body.items) seen.add(item.key);
      cursor = res.body.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen.size).toBe(500);

    const before = await db.query(
      `SELECT (SELECT count(*) FROM record_version)::int AS v, (SELECT count(*) FROM receipt_record)::int AS l, (SELECT count(*) FROM record_status_history)::int AS h`,
    );
    await ingest.add('process-receipt', { receiptId }, { jobId: `again.${receiptId}` });
    await drain();
    const after = await db.query(
      `SELECT (SELECT count(*) FROM record_version)::int AS v, (SELECT count(*) FROM receipt_record)::int AS l, (SELECT count(*) FROM record_status_history)::int AS h`,
    );
    expect(after.rows[0]).toEqual(before.rows[0]);
    expect((await ingest.getJob(`again.${receiptId}`))?.returnvalue).toMatchObject({
      status: 'processed',
      counts: { new: 500 },
    });
  });

  it('maps a webhook once: the worker judges the envelope intake stored, then the receipt drops it; a rerun maps the body', async () => {
    const gtin = gtin13('893504950040');
    const body = { products: [product(gtin, 'Tên trong thân')] };
    await ingest.pause();
    let receiptId: string;
    try {
      const raw = JSON.stringify(body);
      const res = await request(hub.url)
        .post('/v1/webhooks/pl-a')
        .set({ 'Content-Type': 'application/json', ...signWebhook(secrets['pl-a'], raw) })
        .send(raw)
        .expect(202);
      expect(res.body).toEqual({ receiptId: expect.any(String), records: 1 });
      receiptId = res.body.receiptId as string;
      const stored = await db.query<{ mapped_envelope: string | null }>(
        'SELECT mapped_envelope FROM receipt WHERE id = $1',
        [receiptId],
      );
      expect(JSON.parse(stored.rows[0].mapped_envelope!)).toEqual(body);
      // What the worker judges is the stored envelope, not a second mapping of the body.
      await db.query(
        `UPDATE receipt SET mapped_envelope = replace(mapped_envelope, 'Tên trong thân', 'Tên lúc nhận') WHERE id = $1`,
        [receiptId],
      );
    } finally {
      await ingest.resume();
    }
    await drain();
    expect(await receiptCounts(receiptId)).toMatchObject({ status: 'processed', counts: { new: 1 } });
    const judged = await detail('product', `gtin:0${gtin}`).expect(200);
    expect(judged.body.data.name).toBe('Tên lúc nhận');
    const after = await db.query('SELECT mapped_envelope FROM receipt WHERE id = $1', [receiptId]);
    expect(after.rows[0].mapped_envelope).toBeNull();

    // A rerun of the job, its envelope gone, reads the body and judges nothing twice.
    await ingest.add('process-receipt', { receiptId }, { jobId: `again.${receiptId}` });
    await drain();
    expect((await ingest.getJob(`again.${receiptId}`))?.returnvalue).toMatchObject({ status: 'processed' });
    const versions = await db.query<{ name: string }>(
      `SELECT data->>'name' AS name FROM record_version WHERE kind = 'product' AND key = $1 ORDER BY version`,
      [`gtin:0${gtin}`],
    );
    expect(versions.rows.map((r) => r.name)).toEqual(['Tên lúc nhận']);
  });

  it('quarantines a body whose mapping fails as one receipt record with MAPPING_FAILED, and marks the receipt failed', async () => {
    const receiptId = await send('pl-bad-map', { products: [product(gtin13('893504950030'), 'X')] });
    await drain();
    expect(await receiptCounts(receiptId)).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('MAPPING_FAILED'),
      counts: { quarantined: 1 },
    });
    const res = await admin(hub.url)
      .get('/v1/admin/records?sourceKey=pl-bad-map&status=quarantined')
      .expect(200);
    expect(res.body.items).toEqual([
      expect.objectContaining({
        kind: 'receipt',
        key: `receipt:${receiptId}`,
        receiptId,
        findings: [expect.objectContaining({ code: 'MAPPING_FAILED' })],
      }),
    ]);
  });

  it('stops a runaway mapping: 202 with the body stored, the hub answering meanwhile, the receipt quarantined as MAPPING_TIMEOUT', async () => {
    const raw = JSON.stringify({ products: [product(gtin13('893504950031'), `${'a'.repeat(30)}!`)] });
    let answeredAt = 0;
    const intake = request(hub.url)
      .post('/v1/webhooks/pl-runaway')
      .set({ 'Content-Type': 'application/json', ...signWebhook(secrets['pl-runaway'], raw) })
      .send(raw)
      .then((res) => {
        answeredAt = Date.now();
        return res;
      });
    // While intake's count of the records runs away, the gateway goes on answering.
    await eventually(
      () => Promise.resolve(mappingSandbox().stats().running > 0 || answeredAt > 0),
      10_000,
      'the mapping running',
    );
    const asked = Date.now();
    await request(hub.url).get('/health/live').expect(200);
    expect(Date.now() - asked).toBeLessThan(1000);
    expect(answeredAt).toBe(0);

    const res = await intake;
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ receiptId: expect.any(String), records: 0 });
    const receiptId = res.body.receiptId as string;
    const stored = await db.query('SELECT body FROM receipt WHERE id = $1', [receiptId]);
    expect(stored.rows[0].body.toString('utf8')).toBe(raw);

    await drain();
    expect(await receiptCounts(receiptId)).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('MAPPING_TIMEOUT'),
      counts: { quarantined: 1 },
    });
    const detailRes = await detail('receipt', `receipt:${receiptId}`).expect(200);
    expect(detailRes.body.findings).toEqual([
      expect.objectContaining({ code: 'MAPPING_TIMEOUT', message: expect.stringMatching(/was stopped/) }),
    ]);
  });

  it('quarantines a stored body that no longer parses as MALFORMED_PAYLOAD (it was accepted, so it is kept)', async () => {
    const receiptId = '7f1c2a5e-3d4b-4c6a-8e9f-0a1b2c3d4e5f';
    await db.query(
      `INSERT INTO receipt (id, source_key, origin, content_type, body, body_sha256, size_bytes, mapping_version)
       VALUES ($1, 'pl-a', 'poll', 'application/json', $2, 'x', 9, 1)`,
      [receiptId, Buffer.from('{"broken')],
    );
    await ingest.add('process-receipt', { receiptId }, { jobId: `receipt.${receiptId}` });
    await drain();
    expect(await receiptCounts(receiptId)).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('MALFORMED_PAYLOAD'),
      counts: { quarantined: 1 },
    });
    const res = await detail('receipt', `receipt:${receiptId}`).expect(200);
    expect(res.body.findings[0].code).toBe('MALFORMED_PAYLOAD');
  });

  it('answers 400 for unknown filters and 404 for an unknown record', async () => {
    await admin(hub.url).get('/v1/admin/records?status=nope').expect(400);
    await admin(hub.url).get('/v1/admin/records?limit=501').expect(400);
    await detail('product', 'gtin:00000000000000').expect(404);
  });
});
