import { getQueueToken } from '@nestjs/bullmq';
import { Test, type TestingModule } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import { HubConfigModule, METRICS_REGISTRY, RedisModule } from '@txng/common';
import { ConnectorsModule, type PaginationInput, type PollInput, SourcesService } from '@txng/connectors';
import { PollRunner } from '@txng/connectors/poll';
import { migrateDatabase, PersistenceModule, SourceEntity } from '@txng/persistence';
import { QueueName, QueuesModule } from '@txng/queues';
import { PollSchedulerService, pollSchedulerId, PollJobsModule } from '@txng/jobs/poll';
import { type Queue } from 'bullmq';
import { type Registry } from 'prom-client';
import { type DataSource } from 'typeorm';
import { FakeProvinceApi } from '../support/fake-province-api';
import { createTestEnv, type TestEnv } from '../support/test-env';

const SECRETS = ['k3y-Can-Tho-0001', 'p4ss-Can-Tho-0002', 'cl1ent-s3cret-0003'];
/** The fake's page-numbered endpoint, two records a page. */
const TWO_PER_PAGE: PaginationInput = { type: 'page', param: 'page', sizeParam: 'pageSize', size: 2 };

interface ReceiptRow {
  id: string;
  origin: string;
  poll_page: Record<string, unknown>;
  content_type: string;
  body: Buffer;
  record_count: number;
  mapping_version: number;
  status: string;
}

describe('poll connector (real PostgreSQL, Redis and a province API on loopback)', () => {
  let env: TestEnv;
  let moduleRef: TestingModule;
  let runner: PollRunner;
  let sources: SourcesService;
  let dataSource: DataSource;
  let ingest: Queue;
  let api: FakeProvinceApi;
  let keyCounter = 0;

  beforeAll(async () => {
    env = await createTestEnv();
    await migrateDatabase(env.databaseUrl);
    moduleRef = await Test.createTestingModule({
      imports: [
        HubConfigModule.forRoot(env.config),
        RedisModule,
        PersistenceModule,
        QueuesModule,
        ConnectorsModule,
      ],
      providers: [PollRunner],
    }).compile();
    await moduleRef.init();
    runner = moduleRef.get(PollRunner);
    sources = moduleRef.get(SourcesService);
    dataSource = moduleRef.get<DataSource>(getDataSourceToken());
    ingest = moduleRef.get<Queue>(getQueueToken(QueueName.Ingest));
  });
  afterAll(async () => {
    await moduleRef?.close();
    await env?.dispose();
  });
  beforeEach(async () => {
    api = await FakeProvinceApi.start();
  });
  afterEach(async () => {
    await api.close();
  });

  async function pollSource(
    poll: Omit<PollInput, 'url' | 'intervalSeconds'> & {
      path: string;
      url?: string;
      intervalSeconds?: number;
    },
  ): Promise<string> {
    const key = `poll-src-${++keyCounter}`;
    const { path, ...rest } = poll;
    await sources.create(
      {
        key,
        provinceCode: '92',
        name: 'Hệ thống TXNG nông sản Cần Thơ',
        kind: 'poll',
        format: 'json',
        mapping: { language: 'jsonata', expression: '{"products": []}' },
        poll: { url: `${api.url}${path}`, intervalSeconds: 60, ...rest },
      },
      'test',
    );
    await sources.transition(key, 'activate', 'test');
    return key;
  }
  type PollSettings = Parameters<typeof pollSource>[0];
  /** A source on the fake's `/page/records` endpoint, no auth, one `page` parameter; a test names what differs. */
  const pageSource = (settings: Partial<PollSettings> = {}): Promise<string> =>
    pollSource({
      path: '/page/records',
      itemsPath: 'result.items',
      auth: { type: 'none' },
      pagination: { type: 'page', param: 'page' },
      ...settings,
    });

  const receiptsOf = (key: string): Promise<ReceiptRow[]> =>
    dataSource.query(
      `SELECT id, origin, poll_page, content_type, body, record_count, mapping_version, status FROM receipt
       WHERE source_key = $1 ORDER BY received_at, id`,
      [key],
    );
  const sourceRow = (key: string): Promise<SourceEntity> =>
    dataSource.getRepository(SourceEntity).findOneByOrFail({ key });
  /** The record ids in the stored pages' bodies, in order, at a dotted items path. */
  const idsIn = (rows: ReceiptRow[], itemsPath: string): string[] =>
    rows.flatMap((r) => {
      const items = itemsPath
        .split('.')
        .reduce<unknown>(
          (value, part) => (value as Record<string, unknown>)[part],
          JSON.parse(r.body.toString('utf8')),
        );
      return (items as Array<{ id: string }>).map((item) => item.id);
    });

  async function expectQueued(rows: ReceiptRow[]): Promise<void> {
    const jobs = await ingest.getJobs(['waiting', 'prioritized', 'delayed']);
    for (const row of rows) {
      const job = jobs.find((j) => j.data?.receiptId === row.id);
      expect(job?.name).toBe('process-receipt');
      expect(job?.data).toEqual({ receiptId: row.id });
      expect(row.status).toBe('queued');
    }
  }

  async function expectNoSecretsStored(key: string): Promise<void> {
    const [row] = await dataSource.query(
      `SELECT (SELECT coalesce(string_agg(poll_page::text, ' '), '') FROM receipt WHERE source_key = $1) AS pages,
              coalesce(last_error, '') AS last_error, poll::text AS poll, coalesce(checkpoint::text, '') AS checkpoint
       FROM source WHERE key = $1`,
      [key],
    );
    for (const secret of SECRETS) {
      expect(`${row.pages} ${row.last_error} ${row.poll} ${row.checkpoint}`).not.toContain(secret);
    }
  }

  it('walks page pagination, stores each page with items as a queued receipt and resumes at the page still filling', async () => {
    api.records = FakeProvinceApi.makeRecords(5);
    const key = await pageSource({
      pagination: { type: 'page', param: 'page', startAt: 1, sizeParam: 'pageSize', size: 2 },
    });

    const first = await runner.run(key);
    expect(first).toMatchObject({ outcome: 'completed', items: 5, pagesFetched: 3 });
    let rows = await receiptsOf(key);
    expect(rows.map((r) => r.poll_page)).toEqual([
      { url: `${api.url}/page/records?page=1&pageSize=2`, page: 1, items: 2 },
      { url: `${api.url}/page/records?page=2&pageSize=2`, page: 2, items: 2 },
      { url: `${api.url}/page/records?page=3&pageSize=2`, page: 3, items: 1 },
    ]);
    expect(rows.map((r) => [r.origin, r.record_count, r.mapping_version])).toEqual([
      ['poll', 2, 1],
      ['poll', 2, 1],
      ['poll', 1, 1],
    ]);
    expect(rows[0].content_type).toContain('application/json');
    await expectQueued(rows);
    // Page 3 is not full: the next run reads it again, so records appended to it are found.
    expect((await sourceRow(key)).checkpoint).toMatchObject({ type: 'page', page: 3 });
    expect(await sourceRow(key)).toMatchObject({
      health: 'healthy',
      consecutiveFailures: 0,
      lastError: null,
    });
    expect((await sourceRow(key)).lastPollAt).not.toBeNull();

    api.reset();
    expect(await runner.run(key)).toMatchObject({ outcome: 'completed', receiptIds: [] });
    expect(api.recordRequests.map((r) => r.query.page)).toEqual(['3']);
    expect(await receiptsOf(key)).toHaveLength(3);

    api.reset();
    api.records = FakeProvinceApi.makeRecords(7);
    expect(await runner.run(key)).toMatchObject({ outcome: 'completed', items: 3 });
    expect(api.recordRequests.map((r) => r.query.page)).toEqual(['3', '4']);
    rows = await receiptsOf(key);
    expect(rows.slice(3).map((r) => r.poll_page)).toEqual([
      expect.objectContaining({ page: 3, items: 2 }),
      expect.objectContaining({ page: 4, items: 1 }),
    ]);
    await expectQueued(rows);
    expect(new Set(idsIn(rows, 'result.items'))).toEqual(new Set(api.records.map((r) => r.id)));
  });

  it('walks cursor pagination with an API key in a header and re-reads only from the last cursor', async () => {
    api.auth = { type: 'apiKey', in: 'header', name: 'X-API-Key', value: SECRETS[0] };
    api.records = FakeProvinceApi.makeRecords(5);
    const key = await pollSource({
      path: '/cursor/records',
      itemsPath: 'data',
      auth: { type: 'apiKey', in: 'header', name: 'X-API-Key', value: SECRETS[0] },
      pagination: { type: 'cursor', param: 'cursor', nextCursorPath: 'next' },
    });

    expect(await runner.run(key)).toMatchObject({ outcome: 'completed', items: 5, pagesFetched: 3 });
    const rows = await receiptsOf(key);
    const cursorOf = (offset: number): string => Buffer.from(String(offset)).toString('base64url');
    expect(rows.map((r) => r.poll_page)).toEqual([
      { url: `${api.url}/cursor/records`, cursor: null, items: 2 },
      { url: `${api.url}/cursor/records?cursor=${cursorOf(2)}`, cursor: cursorOf(2), items: 2 },
      { url: `${api.url}/cursor/records?cursor=${cursorOf(4)}`, cursor: cursorOf(4), items: 1 },
    ]);
    await expectQueued(rows);
    expect((await sourceRow(key)).checkpoint).toMatchObject({ type: 'cursor', cursor: cursorOf(4) });
    expect(api.recordRequests.every((r) => r.status === 200)).toBe(true);

    api.reset();
    api.records = FakeProvinceApi.makeRecords(8);
    expect(await runner.run(key)).toMatchObject({ outcome: 'completed', items: 4 });
    expect(api.recordRequests.map((r) => r.query.cursor)).toEqual([cursorOf(4), cursorOf(6)]);
    expect(new Set(idsIn(await receiptsOf(key), 'data'))).toEqual(new Set(api.records.map((r) => r.id)));
    await expectNoSecretsStored(key);
  });

  it('walks updatedSince with basic auth, sending the latest record time seen so far', async () => {
    api.auth = { type: 'basic', username: 'can-tho', password: SECRETS[1] };
    api.records = FakeProvinceApi.makeRecords(5);
    const key = await pollSource({
      path: '/since/records',
      itemsPath: 'data',
      auth: { type: 'basic', username: 'can-tho', password: SECRETS[1] },
      pagination: { type: 'updatedSince', param: 'updatedSince', recordTimePath: 'updatedAt' },
    });

    expect(await runner.run(key)).toMatchObject({ outcome: 'completed' });
    const t = api.records.map((r) => r.updatedAt);
    const rows = await receiptsOf(key);
    // Records at the instant sent come again (the contract's expected, harmless duplicates).
    expect(rows.map((r) => r.poll_page.since)).toEqual([null, t[1], t[2], t[3], t[4]]);
    expect(rows[1].poll_page.url).toBe(`${api.url}/since/records?updatedSince=${encodeURIComponent(t[1])}`);
    await expectQueued(rows);
    expect((await sourceRow(key)).checkpoint).toMatchObject({ type: 'updatedSince', since: t[4] });

    api.reset();
    expect(await runner.run(key)).toMatchObject({ outcome: 'completed', receiptIds: [] });
    expect(api.recordRequests.map((r) => r.query.updatedSince)).toEqual([t[4]]);

    api.reset();
    api.records = FakeProvinceApi.makeRecords(6);
    expect(await runner.run(key)).toMatchObject({ outcome: 'completed' });
    expect(api.recordRequests.map((r) => r.query.updatedSince)).toEqual([t[4], api.records[5].updatedAt]);
    expect(new Set(idsIn(await receiptsOf(key), 'data'))).toEqual(new Set(api.records.map((r) => r.id)));
    await expectNoSecretsStored(key);
  });

  it('sends an API key in the query but never stores or reports it', async () => {
    api.auth = { type: 'apiKey', in: 'query', name: 'api_key', value: SECRETS[0] };
    api.records = FakeProvinceApi.makeRecords(3);
    const key = await pageSource({
      auth: { type: 'apiKey', in: 'query', name: 'api_key', value: SECRETS[0] },
      pagination: TWO_PER_PAGE,
    });

    expect(await runner.run(key)).toMatchObject({ outcome: 'completed', items: 3 });
    expect(api.recordRequests[0].query.api_key).toBe(SECRETS[0]);
    expect((await receiptsOf(key)).map((r) => r.poll_page.url)).toEqual([
      `${api.url}/page/records?page=1&pageSize=2`,
      `${api.url}/page/records?page=2&pageSize=2`,
    ]);

    // The province answers 401 to every request now: a permanent error whose message has no key.
    api.auth = { type: 'apiKey', in: 'query', name: 'api_key', value: 'rotated-by-province' };
    const failed = await runner.run(key);
    expect(failed).toMatchObject({ outcome: 'failed', temporary: false });
    expect(failed.reason).toContain('HTTP 401');
    expect((await sourceRow(key)).lastError).toContain('credentials');
    await expectNoSecretsStored(key);
  });

  it('uses OAuth2 client credentials: one token per run, a fresh one after a 401, a clear error for a bad secret', async () => {
    api.auth = { type: 'oauth2', clientId: 'hub', clientSecret: SECRETS[2] };
    api.records = FakeProvinceApi.makeRecords(5);
    const auth = {
      type: 'oauth2' as const,
      tokenUrl: `${api.url}/oauth/token`,
      clientId: 'hub',
      clientSecret: SECRETS[2],
      scope: 'records.read',
    };
    const key = await pollSource({
      path: '/cursor/records',
      itemsPath: 'data',
      auth,
      pagination: { type: 'cursor', param: 'cursor', nextCursorPath: 'next' },
    });

    expect(await runner.run(key)).toMatchObject({ outcome: 'completed', items: 5, pagesFetched: 3 });
    expect(api.tokenRequests).toBe(1);
    expect((await receiptsOf(key)).map((r) => r.poll_page.items)).toEqual([2, 2, 1]);

    api.reset();
    api.revokeTokens();
    api.records = FakeProvinceApi.makeRecords(6);
    expect(await runner.run(key)).toMatchObject({ outcome: 'completed', items: 2 });
    expect(api.tokenRequests).toBe(1);
    expect(api.recordRequests.map((r) => r.status)).toEqual([401, 200]);

    api.auth = { type: 'oauth2', clientId: 'hub', clientSecret: 'the-province-changed-it' };
    api.revokeTokens();
    const failed = await runner.run(key);
    expect(failed).toMatchObject({ outcome: 'failed', temporary: false });
    expect(failed.reason).toMatch(/refused the client credentials/);
    await expectNoSecretsStored(key);
  });

  it('resumes after a crash mid-walk at the first page not stored, losing and skipping nothing', async () => {
    api.records = FakeProvinceApi.makeRecords(6);
    const key = await pageSource({ pagination: TWO_PER_PAGE });
    api.fault = { status: 500, when: (q) => q.get('page') === '3' };

    const broken = await runner.run(key);
    expect(broken).toMatchObject({
      outcome: 'failed',
      temporary: true,
      receiptIds: [expect.any(String), expect.any(String)],
    });
    expect(broken.reason).toContain('HTTP 500');
    expect((await sourceRow(key)).checkpoint).toMatchObject({ type: 'page', page: 3 });
    expect(await sourceRow(key)).toMatchObject({ consecutiveFailures: 1, health: 'healthy' });

    api.reset();
    expect(await runner.run(key)).toMatchObject({ outcome: 'completed', items: 2 });
    expect(api.recordRequests.map((r) => r.query.page)).toEqual(['3', '4']);
    const rows = await receiptsOf(key);
    expect(rows.map((r) => r.poll_page.page)).toEqual([1, 2, 3]);
    expect(idsIn(rows, 'result.items')).toEqual(api.records.map((r) => r.id));
    await expectQueued(rows);
    expect(await sourceRow(key)).toMatchObject({
      consecutiveFailures: 0,
      health: 'healthy',
      lastError: null,
    });
  });

  it('marks a source failing three times unhealthy, backs off exponentially and skips it until then', async () => {
    api.records = FakeProvinceApi.makeRecords(2);
    const key = await pageSource({ intervalSeconds: 60 });
    api.fault = { status: 503 };
    const t0 = Date.now();
    for (let i = 1; i <= 3; i += 1)
      expect(await runner.run(key, new Date(t0 + i * 1000))).toMatchObject({ outcome: 'failed' });
    let row = await sourceRow(key);
    expect(row).toMatchObject({ health: 'unhealthy', consecutiveFailures: 3 });
    expect(row.nextPollAfter?.getTime()).toBe(t0 + 3000 + 60_000);
    expect(row.lastError).toContain('HTTP 503');

    api.reset();
    api.fault = { status: 503 };
    expect(await runner.run(key, new Date(t0 + 30_000))).toMatchObject({ outcome: 'skipped' });
    expect(api.recordRequests).toHaveLength(0);

    expect(await runner.run(key, new Date(t0 + 64_000))).toMatchObject({ outcome: 'failed' });
    row = await sourceRow(key);
    expect(row.consecutiveFailures).toBe(4);
    expect(row.nextPollAfter?.getTime()).toBe(t0 + 64_000 + 120_000);

    api.fault = null;
    expect(await runner.run(key, new Date(t0 + 200_000))).toMatchObject({ outcome: 'completed', items: 2 });
    expect(await sourceRow(key)).toMatchObject({
      health: 'healthy',
      consecutiveFailures: 0,
      lastError: null,
      nextPollAfter: null,
    });
  });

  it("waits as long as a province's 429 Retry-After asks, before it is unhealthy", async () => {
    api.records = FakeProvinceApi.makeRecords(2);
    const key = await pageSource({ intervalSeconds: 60 });
    api.fault = { status: 429, retryAfterSeconds: 600 };
    const t0 = Date.now();
    expect(await runner.run(key, new Date(t0))).toMatchObject({ outcome: 'failed', temporary: true });
    const row = await sourceRow(key);
    expect(row).toMatchObject({ health: 'healthy', consecutiveFailures: 1 });
    expect(row.nextPollAfter?.getTime()).toBe(t0 + 600_000);

    api.reset();
    expect(await runner.run(key, new Date(t0 + 300_000))).toMatchObject({ outcome: 'skipped' });
    expect(api.recordRequests).toHaveLength(0);
    expect(await runner.run(key, new Date(t0 + 601_000))).toMatchObject({ outcome: 'completed', items: 2 });
    expect((await sourceRow(key)).nextPollAfter).toBeNull();
  });

  it('gives up on a province that does not answer within timeoutSeconds, as a temporary failure', async () => {
    api.records = FakeProvinceApi.makeRecords(2);
    const key = await pageSource({ timeoutSeconds: 1 });
    api.fault = { hang: true };
    const started = Date.now();
    const result = await runner.run(key);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(result).toMatchObject({ outcome: 'failed', temporary: true });
    expect(result.reason).toContain('did not answer within 1 s');
  });

  it('refuses a poll URL on a loopback address outside OUTBOUND_ALLOWLIST before connecting, as a permanent failure', async () => {
    for (const host of ['127.0.0.2', '::1']) {
      const elsewhere = await FakeProvinceApi.start(host);
      try {
        elsewhere.records = FakeProvinceApi.makeRecords(2);
        const key = await pollSource({
          path: '/page/records',
          url: `${elsewhere.url}/page/records`,
          itemsPath: 'result.items',
          auth: { type: 'apiKey', in: 'header', name: 'X-API-Key', value: SECRETS[0] },
          pagination: { type: 'page', param: 'page' },
        });
        const result = await runner.run(key);
        expect(result).toMatchObject({ outcome: 'failed', temporary: false, receiptIds: [] });
        expect(result.reason).toMatch(
          /is a loopback address, which the hub does not call.*OUTBOUND_ALLOWLIST/,
        );
        expect(elsewhere.requests).toHaveLength(0);
        expect((await sourceRow(key)).lastError).toBe(result.reason);
        await expectNoSecretsStored(key);
      } finally {
        await elsewhere.close();
      }
    }
  });

  it('refuses an OAuth2 token URL outside OUTBOUND_ALLOWLIST, so the client secret is never sent there', async () => {
    const elsewhere = await FakeProvinceApi.start('127.0.0.2');
    try {
      elsewhere.auth = { type: 'oauth2', clientId: 'hub', clientSecret: SECRETS[2] };
      api.records = FakeProvinceApi.makeRecords(2);
      const key = await pageSource({
        auth: {
          type: 'oauth2',
          tokenUrl: `${elsewhere.url}/oauth/token`,
          clientId: 'hub',
          clientSecret: SECRETS[2],
        },
      });
      const result = await runner.run(key);
      expect(result).toMatchObject({ outcome: 'failed', temporary: false });
      expect(result.reason).toMatch(/127\.0\.0\.2:\d+ is a loopback address/);
      expect(elsewhere.tokenRequests).toBe(0);
      expect(api.requests).toHaveLength(0);
    } finally {
      await elsewhere.close();
    }
  });

  it('does not follow a redirect from the token endpoint, so the client secret is posted once, to the configured URL', async () => {
    const other = await FakeProvinceApi.start();
    try {
      api.auth = { type: 'oauth2', clientId: 'hub', clientSecret: SECRETS[2] };
      other.auth = api.auth;
      api.redirectTokenTo = `${other.url}/oauth/token`;
      api.records = FakeProvinceApi.makeRecords(2);
      const key = await pageSource({
        auth: {
          type: 'oauth2',
          tokenUrl: `${api.url}/oauth/token`,
          clientId: 'hub',
          clientSecret: SECRETS[2],
        },
      });
      const result = await runner.run(key);
      expect(result).toMatchObject({ outcome: 'failed', temporary: false });
      expect(result.reason).toMatch(/redirect/);
      expect(result.reason).toContain(`${other.url}/oauth/token`);
      expect(api.tokenRequests).toBe(1);
      expect(other.tokenRequests).toBe(0);
      expect(api.recordRequests).toHaveLength(0);
    } finally {
      await other.close();
    }
  });

  it('tests a connection with one real fetch and stores nothing', async () => {
    api.auth = { type: 'basic', username: 'can-tho', password: SECRETS[1] };
    api.records = FakeProvinceApi.makeRecords(5);
    const key = await pageSource({
      auth: { type: 'basic', username: 'can-tho', password: SECRETS[1] },
      pagination: TWO_PER_PAGE,
    });
    const before = await sourceRow(key);

    const ok = await runner.testConnection(before, 'test');
    expect(ok).toMatchObject({
      ok: true,
      status: 200,
      items: 2,
      contentType: expect.stringContaining('json'),
    });
    expect(ok.durationMs).toEqual(expect.any(Number));
    expect(ok.summary).toMatch(/^HTTP 200, \d+ bytes of application\/json.*, 2 items at "result\.items"$/);
    // What the province answered stays with the hub: no record, field or value comes back.
    expect(ok).not.toHaveProperty('sample');
    for (const leak of [api.records[0].id, api.records[0].name, 'updatedAt'])
      expect(JSON.stringify(ok)).not.toContain(leak);
    expect(api.recordRequests).toHaveLength(1);

    api.auth = { type: 'basic', username: 'can-tho', password: 'changed' };
    const refused = await runner.testConnection(before, 'test');
    expect(refused).toMatchObject({ ok: false, status: 401, items: 0 });
    for (const secret of SECRETS) expect(JSON.stringify(refused)).not.toContain(secret);

    // A page that is not what the source expects (an intranet page, say) is not quoted back, not
    // even through the parser's complaint (an XML parser names the tags it trips on).
    api.auth = { type: 'basic', username: 'can-tho', password: SECRETS[1] };
    api.fault = { status: 200, body: '<admin><hunter2-root-password></admin>' };
    const notJson = await runner.testConnection(before, 'test');
    expect(notJson).toMatchObject({ ok: false, status: null, items: 0 });
    expect(notJson.error).toMatch(/is not valid json/);
    const notXml = await runner.testConnection({ ...before, format: 'xml' }, 'test');
    expect(notXml.error).toMatch(/is not valid xml: the body is not well-formed XML/);
    for (const leak of ['hunter2', 'admin']) expect(JSON.stringify([notJson, notXml])).not.toContain(leak);
    api.fault = null;

    const audited = await dataSource.query(
      `SELECT actor, details FROM audit_log WHERE action = 'source.test-connection' AND target = $1 ORDER BY id`,
      [key],
    );
    expect(audited).toEqual([
      ...Array.from({ length: 4 }, () => ({
        actor: 'test',
        details: { url: `${api.url}/page/records?page=1&pageSize=2` },
      })),
    ]);

    expect(await receiptsOf(key)).toHaveLength(0);
    const after = await sourceRow(key);
    expect(after).toMatchObject({
      checkpoint: null,
      consecutiveFailures: 0,
      lastPollAt: null,
      lastError: null,
    });
  });

  it('schedules active poll sources on the poll queue, runs them in the worker and unschedules paused ones', async () => {
    // Only this test's source may be scheduled: the others have served their purpose.
    await dataSource.query(`UPDATE source SET deleted_at = now()`);
    api.records = FakeProvinceApi.makeRecords(3);
    const key = await pageSource({ pagination: TWO_PER_PAGE, intervalSeconds: 5 });

    const workers = await Test.createTestingModule({
      imports: [
        HubConfigModule.forRoot(env.config),
        RedisModule,
        PersistenceModule,
        QueuesModule,
        PollJobsModule,
      ],
    }).compile();
    await workers.init();
    try {
      const poll = workers.get<Queue>(getQueueToken(QueueName.Poll));
      const schedulers = await poll.getJobSchedulers();
      expect(schedulers.map((s) => [s.key, Number(s.every)])).toEqual([[pollSchedulerId(key), 5000]]);

      const deadline = Date.now() + 10_000;
      while ((await receiptsOf(key)).length < 2 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      const rows = await receiptsOf(key);
      expect(rows.map((r) => r.poll_page.page)).toEqual([1, 2]);
      await expectQueued(rows);
      // The run is counted once it has ended (IngestMetrics).
      const registry = workers.get<Registry>(METRICS_REGISTRY);
      const runs = () => registry.getSingleMetricAsString('txng_poll_runs_total');
      while (!(await runs()).includes('outcome="completed"') && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      expect(await runs()).toMatch(new RegExp(`source="${key}",outcome="completed"[^}]*\\} [1-9]`));

      await sources.transition(key, 'pause', 'test');
      expect(await workers.get(PollSchedulerService).sync()).toEqual([]);
      expect(await poll.getJobSchedulers()).toEqual([]);
    } finally {
      await workers.close();
    }
  });
});
