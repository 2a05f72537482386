import { PollSchedulerService } from '@txng/jobs';
import { type Queue } from 'bullmq';
import { type Client } from 'pg';
import { admin, createToken } from '../support/admin-client';
import { FakeProvinceApi } from '../support/fake-province-api';
import { startGateway, type GatewayHarness } from '../support/gateway-harness';
import { eventually } from '../support/sync-harness';
import { type OperationAnswer, type OperationState, waitForOperation } from '../support/wait-for-operation';
import { waitForQueuesToDrain } from '../support/wait-for-queues';

const API_KEY = 'k3y-Backfill-Can-Tho-0001';

interface PageRow {
  id: string;
  poll_page: Record<string, unknown>;
  status: string;
  body: Buffer;
}

/*
 * A poll backfill (docs/poll-connector.md, "Backfill") against a province API on loopback: the
 * whole history walked again as an operation, each page with items stored once as a receipt marked
 * with the operation, the source's own checkpoint left where the scheduled poll put it.
 * OPERATION_PAUSE_MS spaces the pages so a cancel lands between two of them.
 */
describe('poll backfill (real PostgreSQL, Redis and a province API on loopback)', () => {
  let hub: GatewayHarness;
  let api: FakeProvinceApi;
  let db: Client;
  let poll: Queue;
  let ingest: Queue;
  let ctOperator: string;
  let viewer: string;
  let counter = 0;

  beforeAll(async () => {
    api = await FakeProvinceApi.start();
    api.auth = { type: 'apiKey', in: 'header', name: 'X-API-Key', value: API_KEY };
    hub = await startGateway({
      withWorkers: true,
      env: { RECEIPT_BODY_RETENTION_DAYS: 'off', OPERATION_PAUSE_MS: '400' },
    });
    db = await hub.db();
    poll = hub.queue('poll');
    ingest = hub.queue('ingest');
    ctOperator = (
      await admin(hub.url)
        .post('/v1/admin/tokens', { name: 'Cần Thơ', role: 'operator', provinces: ['92'] })
        .expect(201)
    ).body.token as string;
    viewer = (await createToken(hub.url, 'viewer')).token;
  });
  afterAll(async () => {
    await hub?.close();
    await api?.close();
  });
  beforeEach(() => {
    api.reset();
    api.pageSize = 2;
  });

  const PAGES = {
    page: {
      path: '/page/records',
      itemsPath: 'result.items',
      totalPath: 'total',
      pagination: { type: 'page', param: 'page', sizeParam: 'pageSize', size: 2 },
    },
    cursor: {
      path: '/cursor/records',
      itemsPath: 'data',
      pagination: { type: 'cursor', param: 'cursor', nextCursorPath: 'next' },
    },
    updatedSince: {
      path: '/since/records',
      itemsPath: 'data',
      pagination: { type: 'updatedSince', param: 'updatedSince', recordTimePath: 'updatedAt' },
    },
  } as const;

  /** A poll source on the fake, activated, its first scheduled poll done (so it has a checkpoint). */
  async function pollSource(
    kind: keyof typeof PAGES,
    options: { province?: string; waitForPoll?: boolean } = {},
  ): Promise<string> {
    const key = `bf-${kind.toLowerCase()}-${++counter}`;
    const { path, ...poll } = PAGES[kind];
    await admin(hub.url)
      .post('/v1/admin/sources', {
        key,
        provinceCode: options.province ?? '92',
        name: `Nguồn lấy bù ${counter}`,
        kind: 'poll',
        format: 'json',
        mapping: { language: 'jsonata', expression: '{"products": []}' },
        poll: {
          url: `${api.url}${path}`,
          intervalSeconds: 86400,
          auth: { type: 'apiKey', in: 'header', name: 'X-API-Key', value: API_KEY },
          ...poll,
        },
      })
      .expect(201);
    await admin(hub.url).post(`/v1/admin/sources/${key}/activate`).expect(200);
    if (options.waitForPoll !== false) {
      await hub.app.get(PollSchedulerService).checkSafely();
      await eventually(
        async () => (await sourceRow(key)).last_poll_at !== null,
        30_000,
        `the first scheduled poll of ${key}`,
      );
    }
    return key;
  }
  interface SourceRow {
    checkpoint: Record<string, unknown> | null;
    last_poll_at: Date | null;
    health: string;
  }
  const sourceRow = async (key: string): Promise<SourceRow> =>
    (await db.query<SourceRow>(`SELECT checkpoint, last_poll_at, health FROM source WHERE key = $1`, [key]))
      .rows[0];
  const pagesOf = async (operationId: string): Promise<PageRow[]> =>
    (
      await db.query<PageRow>(
        `SELECT id, poll_page, status, body FROM receipt
          WHERE poll_page->>'backfill' = $1 ORDER BY received_at, id`,
        [operationId],
      )
    ).rows;
  const livePages = async (key: string): Promise<number> =>
    (
      await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM receipt WHERE source_key = $1 AND NOT poll_page ? 'backfill'`,
        [key],
      )
    ).rows[0].n;
  const idsIn = (rows: PageRow[], itemsPath: string): string[] =>
    rows.flatMap((r) => {
      const items = itemsPath
        .split('.')
        .reduce<unknown>((v, part) => (v as Record<string, unknown>)[part], JSON.parse(r.body.toString()));
      return (items as Array<{ id: string }>).map((i) => i.id);
    });
  const ended = (id: string, state: OperationState = 'done') =>
    waitForOperation(hub.url, id, { state, timeoutMs: 60_000 });
  const start = async (key: string, body: object = {}, token?: string): Promise<OperationAnswer> =>
    (await admin(hub.url, token).post(`/v1/admin/sources/${key}/backfill`, body).expect(202))
      .body as OperationAnswer;

  it('walks page pagination from the first page to the end, each page stored once, the checkpoint left alone', async () => {
    api.records = FakeProvinceApi.makeRecords(5);
    const key = await pollSource('page');
    const checkpoint = (await sourceRow(key)).checkpoint;
    expect(checkpoint).toMatchObject({ type: 'page', page: 3 });
    const live = await livePages(key);
    api.reset();

    const asked = await start(key);
    expect(asked).toMatchObject({
      kind: 'poll-backfill',
      state: 'queued',
      sourceKey: key,
      provinceCode: '92',
      params: { start: {} },
      links: {
        self: `/v1/admin/operations/${asked.id}`,
        cancel: `/v1/admin/operations/${asked.id}/cancel`,
      },
    });
    const done = await ended(asked.id);
    // totalPath: the province said how many records it has, so the percent is known.
    expect(done).toMatchObject({ done: 5, total: 5, percent: 100, result: { pages: 3, items: 5 } });

    const rows = await pagesOf(asked.id);
    expect(rows.map((r) => r.poll_page)).toEqual([
      { url: `${api.url}/page/records?page=1&pageSize=2`, page: 1, items: 2, backfill: asked.id },
      { url: `${api.url}/page/records?page=2&pageSize=2`, page: 2, items: 2, backfill: asked.id },
      { url: `${api.url}/page/records?page=3&pageSize=2`, page: 3, items: 1, backfill: asked.id },
    ]);
    expect(idsIn(rows, 'result.items')).toEqual(api.records.map((r) => r.id));
    expect(api.recordRequests.map((r) => r.query.page)).toEqual(['1', '2', '3']);
    // The live checkpoint is where the scheduled poll left it, and nothing else was stored beside.
    expect((await sourceRow(key)).checkpoint).toEqual(checkpoint);
    expect(await livePages(key)).toBe(live);
    // Ingested like scheduled pages.
    await waitForQueuesToDrain([ingest], { timeoutMs: 30_000 });
    expect((await pagesOf(asked.id)).map((r) => r.status)).toEqual(['processed', 'processed', 'processed']);
    const audit = (await admin(hub.url).get('/v1/admin/audit?limit=50').expect(200)).body.items as Array<{
      action: string;
      target: string;
      details: Record<string, unknown>;
    }>;
    expect(audit).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          action: 'source.backfill',
          target: key,
          details: expect.objectContaining({ operationId: asked.id }),
        }),
      ]),
    );
    // A page start skips the pages before it.
    const fromTwo = await start(key, { page: 2 });
    await ended(fromTwo.id);
    expect((await pagesOf(fromTwo.id)).map((r) => r.poll_page.page)).toEqual([2, 3]);
  });

  it('walks cursor pagination to the last cursor, or from a cursor given', async () => {
    api.records = FakeProvinceApi.makeRecords(5);
    const key = await pollSource('cursor');
    const checkpoint = (await sourceRow(key)).checkpoint;
    expect(checkpoint).toMatchObject({ type: 'cursor' });

    const asked = await start(key);
    const done = await ended(asked.id);
    // No totalPath: counts without a percent until the end.
    expect(done).toMatchObject({ done: 5, total: null, result: { pages: 3, items: 5 } });
    const rows = await pagesOf(asked.id);
    const second = Buffer.from('2').toString('base64url');
    const third = Buffer.from('4').toString('base64url');
    expect(rows.map((r) => r.poll_page.cursor)).toEqual([null, second, third]);
    expect(idsIn(rows, 'data')).toEqual(api.records.map((r) => r.id));
    expect((await sourceRow(key)).checkpoint).toEqual(checkpoint);

    const fromCursor = await start(key, { cursor: third });
    expect(await ended(fromCursor.id)).toMatchObject({ done: 1, result: { pages: 1, items: 1 } });
    expect(idsIn(await pagesOf(fromCursor.id), 'data')).toEqual(['r005']);
  });

  it('walks updatedSince pagination from the beginning or from a time given', async () => {
    api.records = FakeProvinceApi.makeRecords(5);
    const key = await pollSource('updatedSince');
    const checkpoint = (await sourceRow(key)).checkpoint;
    expect(checkpoint).toMatchObject({ type: 'updatedSince', since: api.records[4].updatedAt });

    const all = await start(key);
    await ended(all.id);
    const rows = await pagesOf(all.id);
    // Each page starts at the latest time of the one before (records at that instant come again).
    expect(rows.map((r) => r.poll_page.since)).toEqual([
      null,
      ...api.records.slice(1).map((r) => r.updatedAt),
    ]);
    expect(new Set(idsIn(rows, 'data'))).toEqual(new Set(api.records.map((r) => r.id)));
    expect((await sourceRow(key)).checkpoint).toEqual(checkpoint);

    const since = await start(key, { since: api.records[3].updatedAt });
    expect(since.params).toEqual({ start: { since: api.records[3].updatedAt } });
    await ended(since.id);
    expect(idsIn(await pagesOf(since.id), 'data')).toEqual(['r004', 'r005', 'r005']);
    expect((await pagesOf(since.id)).map((r) => r.poll_page.since)).toEqual([
      api.records[3].updatedAt,
      api.records[4].updatedAt,
    ]);
  });

  it('stops between two pages when cancelled; what it stored stays, nothing after; one backfill per source at a time', async () => {
    api.records = FakeProvinceApi.makeRecords(20);
    const key = await pollSource('page');
    const asked = await start(key);
    // A second one while the first runs is refused, naming the first.
    const twice = await admin(hub.url).post(`/v1/admin/sources/${key}/backfill`, {}).expect(409);
    expect(twice.body.message).toContain(asked.id);
    await waitForOperation(hub.url, asked.id, { until: (o) => o.done >= 2, timeoutMs: 30_000 });
    await admin(hub.url).post(`/v1/admin/operations/${asked.id}/cancel`).expect(200);
    const cancelled = await ended(asked.id, 'cancelled');
    const rows = await pagesOf(asked.id);
    expect(rows.length).toBeGreaterThanOrEqual(1);
    expect(rows.length).toBeLessThan(10);
    expect(cancelled.done).toBe(rows.reduce((n, r) => n + Number(r.poll_page.items), 0));
    expect(cancelled.result).toMatchObject({ pages: rows.length });
    const requests = api.recordRequests.length;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await pagesOf(asked.id)).toHaveLength(rows.length);
    expect(api.recordRequests.length).toBe(requests);
    // Ended: the source may be backfilled again.
    const again = await start(key);
    await ended(again.id);
    expect(await pagesOf(again.id)).toHaveLength(10);
  });

  it('retries a temporary failure, and ends failed on a permanent one with the error code and no secret', async () => {
    api.records = FakeProvinceApi.makeRecords(5);
    const key = await pollSource('page');
    api.reset();
    // Page 2 fails twice with 503, then answers.
    let failures = 0;
    api.fault = {
      status: 503,
      when: (q) => q.get('page') === '2' && failures++ < 2,
    };
    const retried = await start(key);
    expect(await ended(retried.id)).toMatchObject({ done: 5, result: { pages: 3 } });
    expect(api.recordRequests.filter((r) => r.query.page === '2').map((r) => r.status)).toEqual([
      503, 503, 200,
    ]);

    api.reset();
    api.fault = { status: 404, when: (q) => q.get('page') === '2' };
    const failing = await start(key);
    const failed = await ended(failing.id, 'failed');
    expect(failed.error).toMatch(/^poll_not_found: .*answered HTTP 404/);
    expect(failed.error).not.toContain(API_KEY);
    expect(failed.done).toBe(2);
    expect(await pagesOf(failing.id)).toHaveLength(1);
    // A permanent 404 is tried once; the source's own health is the scheduled poll's, untouched.
    expect(api.recordRequests.filter((r) => r.query.page === '2')).toHaveLength(1);
    expect((await sourceRow(key)).health).toBe('healthy');
  });

  it("lets a province token backfill its own sources only; refuses bad starts and sources that can't be backfilled", async () => {
    api.records = FakeProvinceApi.makeRecords(3);
    const own = await pollSource('page', { waitForPoll: false });
    const other = await pollSource('cursor', { province: '96', waitForPoll: false });

    const mine = await start(own, {}, ctOperator);
    expect(mine).toMatchObject({
      sourceKey: own,
      provinceCode: '92',
      actor: expect.stringMatching(/^token:/),
    });
    await admin(hub.url, ctOperator).post(`/v1/admin/sources/${other}/backfill`, {}).expect(404);
    await admin(hub.url, viewer).post(`/v1/admin/sources/${own}/backfill`, {}).expect(403);
    await ended(mine.id);
    // Its own backfills are in its list of operations.
    const listed = (
      await admin(hub.url, ctOperator).get('/v1/admin/operations?kind=poll-backfill').expect(200)
    ).body.items as OperationAnswer[];
    expect(listed.map((o) => o.id)).toContain(mine.id);
    expect(listed.every((o) => o.provinceCode === '92')).toBe(true);

    const refused = async (key: string, body: object, status: number, field?: string) => {
      const res = await admin(hub.url).post(`/v1/admin/sources/${key}/backfill`, body).expect(status);
      if (field) expect(JSON.stringify(res.body)).toContain(field);
    };
    await refused(own, { since: 'yesterday' }, 400, 'since');
    await refused(own, { since: api.records[0].updatedAt }, 400, 'since');
    await refused(own, { page: -1 }, 400, 'page');
    await refused(own, { page: 1.5 }, 400, 'page');
    await refused(own, { cursor: 'abc' }, 400, 'cursor');
    await refused(other, { page: 2 }, 400, 'page');
    await refused(other, { cursor: '' }, 400, 'cursor');
    await refused(own, { from: 'start' }, 400, 'from');
    await refused('no-such-source', {}, 404);
    // totalPath is a dotted path, checked when the source is saved.
    const badTotal = await admin(hub.url)
      .patch(`/v1/admin/sources/${own}`, {
        poll: {
          url: `${api.url}/page/records`,
          intervalSeconds: 86400,
          itemsPath: 'result.items',
          totalPath: 'meta..total',
          auth: { type: 'apiKey', in: 'header', name: 'X-API-Key', value: API_KEY },
          pagination: { type: 'page', param: 'page' },
        },
      })
      .expect(400);
    expect(JSON.stringify(badTotal.body)).toContain('totalPath');
    // Not a poll source, or not polled now.
    await admin(hub.url)
      .post('/v1/admin/sources', {
        key: 'bf-webhook',
        provinceCode: '92',
        name: 'Nguồn webhook',
        kind: 'webhook',
        format: 'json',
        mapping: { language: 'jsonata', expression: '{"products": []}' },
      })
      .expect(201);
    await refused('bf-webhook', {}, 409, 'poll');
    await admin(hub.url).post(`/v1/admin/sources/${own}/pause`).expect(200);
    await refused(own, {}, 409, 'paused');
  });

  it('queues a backfill again when its job is lost, and resumes after the last page its operation counted', async () => {
    api.records = FakeProvinceApi.makeRecords(5);
    const key = await pollSource('page');
    await poll.pause();
    const asked = await start(key);
    const jobId = `poll-backfill.${asked.id}`;
    expect(await poll.getJobState(jobId)).toBe('waiting');
    // As if a worker had stored page 1 and Redis then lost the job.
    await poll.remove(jobId);
    await db.query(
      `UPDATE operation SET state = 'running', started_at = now(), done = 2,
              result = '{"pages": 1, "items": 2, "next": {"type": "page", "page": 2}, "largest": 2}'
        WHERE id = $1`,
      [asked.id],
    );
    await poll.resume();
    api.reset();
    const done = await ended(asked.id);
    expect(done).toMatchObject({ done: 5, result: { pages: 3, items: 5 } });
    expect((await pagesOf(asked.id)).map((r) => r.poll_page.page)).toEqual([2, 3]);
    expect(api.recordRequests.map((r) => r.query.page)).toEqual(['2', '3']);
  });
});
