import { type INestApplication } from '@nestjs/common';
import { compileMapping, envelopeToRecords, mapPayload, parsePayload } from '@txng/mapping';
import { type Envelope } from '@txng/national-model';
import { migrateDatabase } from '@txng/persistence';
import { QueueName, redisConnectionOptions } from '@txng/queues';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { type ChildProcess, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { Client } from 'pg';
import { parse as parseYaml } from 'yaml';
import { createGateway } from '../../apps/gateway/src/create-gateway';
import { createTestEnv, deleteRedisKeys, type TestEnv } from '../support/test-env';
import { cantHoBody } from './cantho-bodies';
import { fmt, percentile, sleep } from './measure';

/**
 * The hub's main path, measured: signed webhooks → intake (202, body stored) → ingest pipeline
 * (judged: ready / duplicate / version) → sync → the portal simulator. Prints figures; asserts
 * nothing. See docs/BENCHMARKS.md.
 *
 * - The hub is the gateway with every worker in this process (as `npm start`, built by
 *   createGateway exactly as main.ts does), on a database and Redis prefix of its own, with the
 *   production defaults for sync (tick and linger 1 s), the portal client (20 requests/s) and the
 *   prefix-registry check (on).
 * - The portal simulator runs in a child process (rate limit off); the senders (the provinces) in
 *   a worker thread: neither shares the hub's event loop.
 * - The source is config/sources/can-tho-nong-san.yaml (the realistic JSONata mapping, Vietnamese
 *   field names); each body is one cooperative's organization + products + lots + events.
 * - Each run first stores every webhook with the ingest queue paused (so intake is measured alone),
 *   then resumes it and times the pipeline (all receipts judged) and sync (all accepted at the
 *   portal). `--overlap` leaves the queue running instead (times then count from the first send).
 *
 * Flags (or env): --webhooks=N (BENCH_WEBHOOKS, 200), --records=M per webhook (BENCH_RECORDS, 50),
 * --concurrency=K senders (BENCH_CONCURRENCY, 8), --overlap, --keep (leave the database for
 * inspection and print its name; drop it yourself), --profile (sample the database's active
 * statements every 10 ms and print where PostgreSQL's time goes per phase).
 */

interface Options {
  webhooks: number;
  records: number;
  concurrency: number;
  overlap: boolean;
  keep: boolean;
  profile: boolean;
}

// ---------------------------------------------------------------------------------------------
// Measuring helpers

interface Usage {
  at: number;
  elu: ReturnType<typeof performance.eventLoopUtilization>;
  processCpuMs: number;
  simCpuMs: number;
  pgCpuMs: number | null;
  redisCpuMs: number;
}

/** Last CPU time (ticks) seen per backend pid: a backend that has exited keeps what it used. */
const pgTicks = new Map<number, number>();

/** CPU time (ms) of the PostgreSQL backends that have served the hub's database, from /proc. */
async function pgBackendCpuMs(db: Client, dbName: string): Promise<number | null> {
  const pids = (
    await db.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [dbName])
  ).rows.map((r) => r.pid);
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      pgTicks.set(pid, Number(fields[11]) + Number(fields[12])); // utime, stime (fields 14, 15)
    } catch {
      if (pgTicks.size === 0) return null; // /proc not readable (another host or namespace)
    }
  }
  return [...pgTicks.values()].reduce((a, b) => a + b, 0) * 10; // USER_HZ = 100
}

async function redisCpuMs(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const read = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return (read('used_cpu_user') + read('used_cpu_sys')) * 1000;
}

/**
 * A poor man's pg_stat_statements (which needs shared_preload_libraries): samples the database's
 * active backends every `everyMs` and counts (backend type, statement) pairs. Each sample of an
 * active backend stands for about `everyMs` of its time (waiting on a lock or I/O included).
 */
class StatementSampler {
  private readonly counts = new Map<string, number>();
  private samples = 0;
  private running = false;
  private loop: Promise<void> | null = null;

  constructor(
    private readonly client: Client,
    private readonly dbName: string,
    private readonly everyMs = 10,
  ) {}

  start(): void {
    this.counts.clear();
    this.samples = 0;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        const r = await this.client.query<{ backend_type: string; query: string; wait: string | null }>(
          `SELECT backend_type, query, wait_event_type || ':' || wait_event AS wait FROM pg_stat_activity
            WHERE datname = $1 AND state = 'active' AND pid <> pg_backend_pid()`,
          [this.dbName],
        );
        this.samples++;
        for (const row of r.rows) {
          const text = row.query.replace(/\s+/g, ' ').trim().slice(0, 110);
          const name = `${row.backend_type === 'client backend' ? '' : `[${row.backend_type}] `}${text}${row.wait && !row.wait.startsWith('Client') ? ` {${row.wait}}` : ''}`;
          this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
        }
        await sleep(this.everyMs);
      }
    })();
  }

  async stop(label: string, top = 12): Promise<string> {
    this.running = false;
    await this.loop;
    const total = [...this.counts.values()].reduce((a, b) => a + b, 0);
    const lines = [...this.counts.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([q, n]) => `      ${fmt((n / Math.max(total, 1)) * 100)} % (${n}) ${q}`);
    return `    ${label}: ${this.samples} samples, ${total} active-backend samples (${fmt(total / Math.max(this.samples, 1), 2)} busy backends on average)\n${lines.join('\n')}\n`;
  }
}

// ---------------------------------------------------------------------------------------------

interface Rig {
  env: TestEnv;
  dbName: string;
  app: INestApplication;
  url: string;
  simUrl: string;
  sim: ChildProcess;
  db: Client;
  redis: Redis;
  ingest: Queue;
  sender: Worker;
  sampler: StatementSampler | null;
}

async function simCpuMs(sim: ChildProcess): Promise<number> {
  return new Promise((ok) => {
    const on = (m: { cpuMs?: number }) => {
      if (m.cpuMs === undefined) return;
      sim.off('message', on);
      ok(m.cpuMs);
    };
    sim.on('message', on);
    sim.send({ cpu: true });
  });
}

async function usage(rig: Rig): Promise<Usage> {
  const { user, system } = process.cpuUsage();
  return {
    at: performance.now(),
    elu: performance.eventLoopUtilization(),
    processCpuMs: (user + system) / 1000,
    simCpuMs: await simCpuMs(rig.sim),
    pgCpuMs: await pgBackendCpuMs(rig.db, rig.dbName),
    redisCpuMs: await redisCpuMs(rig.redis),
  };
}

function usageLine(a: Usage, b: Usage): string {
  const wall = b.at - a.at;
  const elu = performance.eventLoopUtilization(b.elu, a.elu);
  const share = (ms: number | null) => (ms === null ? 'n/a' : `${fmt((ms / wall) * 100)} %`);
  return (
    `hub event loop busy ${fmt(elu.utilization * 100)} %, bench process CPU ${share(b.processCpuMs - a.processCpuMs)}` +
    ` (hub + sender thread + GC), PostgreSQL backends ${share(b.pgCpuMs === null || a.pgCpuMs === null ? null : b.pgCpuMs - a.pgCpuMs)},` +
    ` Redis ${share(b.redisCpuMs - a.redisCpuMs)}, simulator ${share(b.simCpuMs - a.simCpuMs)} of one core`
  );
}

interface SendResult {
  latencies: number[];
  statuses: Record<string, number>;
  records: number;
  wallMs: number;
}

function send(rig: Rig, job: { url: string; secret: string; bodies: string[]; idPrefix: string }) {
  return new Promise<SendResult>((ok, fail) => {
    rig.sender.once('message', (m: { ok: boolean; result: SendResult; error: string }) =>
      m.ok ? ok(m.result) : fail(new Error(m.error)),
    );
    rig.sender.postMessage(job);
  });
}

async function simStats(rig: Rig): Promise<{
  calls: Record<string, number>;
  results: Record<string, number>;
  recordsHeld: number;
}> {
  const res = await fetch(`${rig.simUrl}/__sim/stats`, { headers: { 'x-sim-admin': 'sim-admin' } });
  return (await res.json()) as never;
}
const sumCalls = (calls: Record<string, number>, re: RegExp) =>
  Object.entries(calls)
    .filter(([k]) => re.test(k))
    .reduce((a, [, v]) => a + v, 0);

async function api(rig: Rig, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(rig.url + path, {
    method,
    headers: { authorization: 'Bearer test-admin-token-0123456789', 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function createSource(rig: Rig, definition: Record<string, unknown>): Promise<string> {
  const created = await api(rig, 'POST', '/v1/admin/sources', {
    ...definition,
    rateLimitPerMinute: 100_000,
  });
  await api(rig, 'POST', `/v1/admin/sources/${definition.key as string}/activate`);
  return created.webhookSecret as string;
}

interface RunRow {
  name: string;
  webhooks: number;
  records: number;
  intake: { p50: number; p95: number; p99: number; rps: number; busyMsPerRequest: number; wallMs: number };
  judgedMs: number | null;
  syncedMs: number | null;
  batches: number;
  registryCalls: number;
  outcomes: string;
  accepted: number;
  /** Versions not yet accepted by the portal when every receipt was judged (the sync tail's work). */
  behindAtJudged: number;
}

async function run(
  rig: Rig,
  o: Options,
  name: string,
  source: { key: string; secret: string },
  bodies: string[],
  idPrefix: string,
  expectAccepted: number,
  pipeline = true,
): Promise<RunRow> {
  if (!o.overlap || !pipeline) await rig.ingest.pause();
  const before = await simStats(rig);
  const u0 = await usage(rig);
  const sent = await send(rig, {
    url: `${rig.url}/v1/webhooks/${source.key}`,
    secret: source.secret,
    bodies,
    idPrefix,
  });
  const u1 = await usage(rig);
  if (sent.statuses['202'] !== bodies.length)
    throw new Error(`${name}: answers ${JSON.stringify(sent.statuses)}`);
  const sorted = [...sent.latencies].sort((a, b) => a - b);
  const intakeElu = performance.eventLoopUtilization(u1.elu, u0.elu);
  const intake = {
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    rps: (bodies.length / sent.wallMs) * 1000,
    busyMsPerRequest: intakeElu.active / bodies.length,
    wallMs: sent.wallMs,
  };
  process.stdout.write(`  ${name}: intake ${fmt(sent.wallMs)} ms; ${usageLine(u0, u1)}\n`);
  const row: RunRow = {
    name,
    webhooks: bodies.length,
    records: sent.records,
    intake,
    judgedMs: null,
    syncedMs: null,
    batches: 0,
    registryCalls: 0,
    outcomes: '',
    accepted: 0,
    behindAtJudged: 0,
  };
  if (!pipeline) return row;

  const start = o.overlap ? u0 : u1;
  rig.sampler?.start();
  if (!o.overlap) await rig.ingest.resume();
  const deadline = Date.now() + 300_000;
  const like = `${idPrefix}-%`;
  for (;;) {
    const r = await rig.db.query<{ n: string }>(
      `SELECT count(*) AS n FROM receipt WHERE webhook_id LIKE $1 AND status IN ('processed', 'failed')`,
      [like],
    );
    if (Number(r.rows[0].n) >= bodies.length) break;
    if (Date.now() > deadline) throw new Error(`${name}: receipts not judged in 300 s`);
    await sleep(50);
  }
  const uJudged = await usage(rig);
  row.judgedMs = uJudged.at - start.at;
  const pipelineProfile = rig.sampler ? await rig.sampler.stop(`${name}, pipeline`) : '';
  rig.sampler?.start();
  let stats = await simStats(rig);
  const acceptedSince = (s: typeof stats) => (s.results.accepted ?? 0) - (before.results.accepted ?? 0);
  row.behindAtJudged = expectAccepted - acceptedSince(stats);
  if (expectAccepted > 0) {
    while (acceptedSince(stats) < expectAccepted) {
      if (Date.now() > deadline)
        throw new Error(`${name}: ${acceptedSince(stats)}/${expectAccepted} synced in 300 s`);
      await sleep(50);
      stats = await simStats(rig);
    }
    row.syncedMs = performance.now() - start.at;
  } else {
    await sleep(2500); // two sync ticks + linger: nothing must go
    stats = await simStats(rig);
  }
  const uSynced = await usage(rig);
  const tailProfile = rig.sampler ? await rig.sampler.stop(`${name}, after judged`) : '';
  row.accepted = acceptedSince(stats);
  row.batches = sumCalls(stats.calls, /batches \d+$/) - sumCalls(before.calls, /batches \d+$/);
  row.registryCalls = sumCalls(stats.calls, /registry|prefix/i) - sumCalls(before.calls, /registry|prefix/i);
  const outcomes = await rig.db.query<{ outcome: string; n: string }>(
    `SELECT rr.outcome, count(*) AS n FROM receipt_record rr JOIN receipt r ON r.id = rr.receipt_id
      WHERE r.webhook_id LIKE $1 GROUP BY 1 ORDER BY 1`,
    [like],
  );
  row.outcomes = outcomes.rows.map((x) => `${x.outcome} ${x.n}`).join(', ');
  process.stdout.write(`  ${name}: pipeline; ${usageLine(start, uJudged)}\n`);
  process.stdout.write(pipelineProfile);
  if (row.syncedMs !== null)
    process.stdout.write(
      `  ${name}: sync tail (${fmt(row.syncedMs - row.judgedMs)} ms, ${fmt(row.behindAtJudged)} versions not yet at the portal when all were judged); ${usageLine(uJudged, uSynced)}\n`,
    );
  process.stdout.write(tailProfile);
  return row;
}

// ---------------------------------------------------------------------------------------------
// The mapping at intake, in isolation (question in docs/ingest.md)

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function mappingMicro(
  bodies: string[],
  passthrough: string[],
  expression: string,
): Promise<{ parse: number; parseMap: number; parseMapTrivial: number; records: number; compile: number }> {
  const realistic = { language: 'jsonata' as const, expression };
  const trivial = { language: 'jsonata' as const, expression: '$' };
  const buffers = bodies.map((b) => Buffer.from(b));
  const passBuffers = passthrough.map((b) => Buffer.from(b));
  const time = async (fn: (i: number) => unknown): Promise<number> => {
    const t0 = performance.now();
    for (let i = 0; i < buffers.length; i++) await fn(i);
    return (performance.now() - t0) / buffers.length;
  };
  const parse = (i: number) => parsePayload('json', buffers[i]);
  const parseMap = (i: number) => mapPayload('json', realistic, parsePayload('json', buffers[i]));
  const parseMapTrivial = (i: number) => mapPayload('json', trivial, parsePayload('json', passBuffers[i]));
  const records = async (i: number) =>
    envelopeToRecords(await mapPayload('json', realistic, parsePayload('json', buffers[i]))).length;
  await time(parseMap); // warm-up
  await time(parseMapTrivial);
  const compile = () => compileMapping(realistic);
  const runs = {
    compile: [] as number[],
    parse: [] as number[],
    parseMap: [] as number[],
    parseMapTrivial: [] as number[],
    records: [] as number[],
  };
  for (let r = 0; r < 3; r++) {
    runs.compile.push(await time(compile));
    runs.parse.push(await time(parse));
    runs.parseMap.push(await time(parseMap));
    runs.parseMapTrivial.push(await time(parseMapTrivial));
    runs.records.push(await time(records));
  }
  return {
    parse: median(runs.parse),
    parseMap: median(runs.parseMap),
    parseMapTrivial: median(runs.parseMapTrivial),
    records: median(runs.records),
    compile: median(runs.compile),
  };
}

// ---------------------------------------------------------------------------------------------

function options(argv: string[]): Options {
  const flag = (name: string, envName: string, fallback: number): number => {
    const given = argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? process.env[envName];
    const n = given === undefined ? fallback : Number(given);
    if (!Number.isInteger(n) || n < 1)
      throw new Error(`--${name} must be a whole number >= 1 (got ${given})`);
    return n;
  };
  const o = {
    webhooks: flag('webhooks', 'BENCH_WEBHOOKS', 200),
    records: flag('records', 'BENCH_RECORDS', 50),
    concurrency: flag('concurrency', 'BENCH_CONCURRENCY', 8),
    overlap: argv.includes('--overlap'),
    keep: argv.includes('--keep'),
    profile: argv.includes('--profile'),
  };
  if (o.records < 4) throw new Error('--records must be at least 4 (organization + product + lot + event)');
  return o;
}

export async function main(...argv: string[]): Promise<void> {
  const o = options(argv);
  const definition = parseYaml(
    readFileSync(resolve(__dirname, '../../config/sources/can-tho-nong-san.yaml'), 'utf8'),
  ) as Record<string, unknown> & { mapping: { expression: string } };
  const bodies = Array.from({ length: o.webhooks }, (_, i) =>
    JSON.stringify(cantHoBody(i, o.records, false)),
  );
  const updates = Array.from({ length: o.webhooks }, (_, i) =>
    JSON.stringify(cantHoBody(i, o.records, true)),
  );
  // Warm-up bodies: other products; the three organizations are new in the warm-up, not after.
  const warm = Array.from({ length: 4 }, (_, i) =>
    JSON.stringify(cantHoBody(o.webhooks + 1000 + i, o.records, false)),
  );

  // What the hub will make of them, before anything starts: every record valid, the keys to expect.
  const envelopes: Envelope[] = [];
  const keys = new Set<string>();
  let findings = 0;
  let updated = 0;
  for (const body of bodies) {
    const envelope = await mapPayload(
      'json',
      definition.mapping as never,
      parsePayload('json', Buffer.from(body)),
    );
    envelopes.push(envelope);
    for (const r of envelopeToRecords(envelope)) {
      findings += r.findings.length;
      keys.add(`${r.kind}\t${r.key}`);
      if (r.kind === 'product' || r.kind === 'lot') updated++;
    }
  }
  if (findings > 0) throw new Error(`the generated bodies have ${findings} validation findings`);
  const allKeys = new Set(keys);
  for (const body of warm) {
    const envelope = await mapPayload(
      'json',
      definition.mapping as never,
      parsePayload('json', Buffer.from(body)),
    );
    for (const r of envelopeToRecords(envelope)) {
      keys.delete(`${r.kind}\t${r.key}`);
      allKeys.add(`${r.kind}\t${r.key}`);
    }
  }
  const passthrough = envelopes.map((e) => JSON.stringify(e));
  const bytes = bodies.reduce((a, b) => a + Buffer.byteLength(b), 0) / bodies.length;

  process.stdout.write(
    `pipeline benchmark: ${o.webhooks} webhooks × ${o.records} records (${fmt(bytes / 1024, 1)} KiB each), ` +
      `${o.concurrency} senders, ${o.overlap ? 'intake and pipeline overlapping' : 'intake measured with the ingest queue paused'}\n`,
  );
  process.stdout.write('mapping micro-benchmark (same bodies, this process, nothing else running)…\n');
  const micro = await mappingMicro(bodies, passthrough, definition.mapping.expression);

  const sim = fork(resolve(__dirname, 'run-ts.js'), [resolve(__dirname, 'portal-sim.process.ts')], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const simUrl = await new Promise<string>((ok, fail) => {
    sim.once('message', (m: { url: string }) => ok(m.url));
    sim.once('exit', (code) => fail(new Error(`the simulator exited (${code})`)));
  });
  const env = await createTestEnv({
    PORTAL_BASE_URL: simUrl,
    PORTAL_CLIENT_ID: 'txng-hub-dev',
    PORTAL_CLIENT_SECRET: 'txng-hub-dev-secret',
    PREFIX_REGISTRY_CHECK: 'on',
    RECONCILE_EVERY_MS: '0',
  });
  let rig: Rig | undefined;
  let samplerClient: Client | undefined;
  try {
    await migrateDatabase(env.databaseUrl);
    const app = await createGateway(env.config, { withWorkers: true });
    await app.listen(0, '127.0.0.1');
    const db = new Client({ connectionString: env.databaseUrl });
    await db.connect();
    rig = {
      env,
      dbName: new URL(env.databaseUrl).pathname.slice(1),
      app,
      url: `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`,
      simUrl,
      sim,
      db,
      redis: new Redis(env.config.redisUrl),
      ingest: new Queue(QueueName.Ingest, {
        connection: redisConnectionOptions(env.config.redisUrl),
        prefix: `${env.redisPrefix}:bull`,
      }),
      sender: new Worker(resolve(__dirname, 'webhook-sender.worker.js'), {
        workerData: { concurrency: o.concurrency },
      }),
      sampler: null,
    };
    if (o.profile) {
      const client = new Client({ connectionString: env.databaseUrl });
      await client.connect();
      rig.sampler = new StatementSampler(client, rig.dbName);
      samplerClient = client;
    }
    const main = { key: definition.key as string, secret: await createSource(rig, definition) };
    const trivial = {
      key: 'bench-passthrough',
      secret: await createSource(rig, {
        key: 'bench-passthrough',
        provinceCode: '92',
        name: 'Nguồn đo (ánh xạ $)',
        kind: 'webhook',
        format: 'json',
        mapping: { language: 'jsonata', expression: '$' },
      }),
    };
    // Warm-up: connections, JIT, token, prefix cache; not counted.
    await send(rig, {
      url: `${rig.url}/v1/webhooks/${main.key}`,
      secret: main.secret,
      bodies: warm,
      idPrefix: 'warm',
    });
    await rig.ingest.resume();
    await sleep(3000);

    const rows: RunRow[] = [];
    process.stdout.write('runs (where time goes):\n');
    rows.push(await run(rig, o, 'new records', main, bodies, 'new', keys.size));
    rows.push(await run(rig, o, 'duplicates', main, bodies, 'dup', 0));
    rows.push(await run(rig, o, 'updates (v2)', main, updates, 'upd', updated));
    rows.push(await run(rig, o, 'intake only, mapping $', trivial, passthrough, 'pass', 0, false));

    const token = (await (
      await fetch(`${simUrl}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials&client_id=txng-hub-dev&client_secret=txng-hub-dev-secret',
      })
    ).json()) as { access_token: string };
    const summary = (await (
      await fetch(`${simUrl}/api/v1/provinces/92/summary`, {
        headers: { authorization: `Bearer ${token.access_token}` },
      })
    ).json()) as { counts: Record<string, number> };

    const out: string[] = [];
    out.push('');
    out.push(
      '| run | webhooks | records | intake p50 / p95 / p99 ms | webhooks/s | hub busy ms/webhook | judged (s) | records/s judged | synced (s) | records/s end to end | portal batches | registry calls | outcomes |',
    );
    out.push('| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
    for (const r of rows) {
      const s = (ms: number | null) => (ms === null ? '–' : fmt(ms / 1000, 2));
      const rate = (ms: number | null, n: number) => (ms === null ? '–' : fmt((n / ms) * 1000));
      out.push(
        `| ${r.name} | ${r.webhooks} | ${r.records} | ${fmt(r.intake.p50, 1)} / ${fmt(r.intake.p95, 1)} / ${fmt(r.intake.p99, 1)} | ${fmt(r.intake.rps)} | ${fmt(r.intake.busyMsPerRequest, 2)} | ${s(r.judgedMs)} | ${rate(r.judgedMs, r.records)} | ${s(r.syncedMs)} | ${r.syncedMs === null ? '–' : rate(r.syncedMs, r.accepted)} | ${r.judgedMs === null ? '–' : r.batches} | ${r.judgedMs === null ? '–' : r.registryCalls} | ${r.outcomes || '–'} |`,
      );
    }
    out.push('');
    out.push(
      `portal summary, province 92: ${JSON.stringify(summary.counts)} = ${Object.values(summary.counts).reduce((a, b) => a + b, 0)} keys (expected ${allKeys.size}: the runs' and the warm-up's)`,
    );
    out.push(
      `mapping per webhook, in isolation: parse ${fmt(micro.parse, 3)} ms; parse + Cần Thơ mapping ${fmt(micro.parseMap, 3)} ms ` +
        `(mapping alone ${fmt(micro.parseMap - micro.parse, 3)} ms, compileMapping per call ${fmt(micro.compile, 3)} ms: a parse before the expression pool, a lookup since); parse + mapping "$" ${fmt(micro.parseMapTrivial, 3)} ms; ` +
        `parse + map + normalise + validate (the worker's read) ${fmt(micro.records, 3)} ms`,
    );
    const intake = rows[0].intake.busyMsPerRequest;
    out.push(
      `mapping share of the hub's busy time per intake request (new-records run): ${fmt(((micro.parseMap - micro.parse) / intake) * 100)} %`,
    );
    process.stdout.write(`${out.join('\n')}\n`);
  } catch (error) {
    process.stderr.write(`pipeline benchmark failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  } finally {
    if (rig) {
      await rig.sender.terminate();
      await rig.ingest.close();
      rig.redis.disconnect();
      await rig.db.end();
      await samplerClient?.end();
      await rig.app.close();
    }
    sim.disconnect();
    if (o.keep) {
      await deleteRedisKeys(`${env.redisPrefix}:*`);
      process.stdout.write(
        `database kept for inspection: ${new URL(env.databaseUrl).pathname.slice(1)} (drop it when done)\n`,
      );
    } else {
      await env.dispose();
    }
  }
}
