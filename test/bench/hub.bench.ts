import { envelopeToRecords, mapPayload, parsePayload } from '@txng/mapping';
import { migrateDatabase } from '@txng/persistence';
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Client } from 'pg';
import { parse as parseYaml } from 'yaml';
import { freePort } from '../support/ports';
import { hubProcessEnv, type RunningProcess, startBuilt } from '../support/processes';
import { createTestEnv, type TestEnv } from '../support/test-env';
import { type BodySpec, cantHoBodyOf, wideGtin } from './cantho-bodies';
import { seedHeld } from './held-data';
import { fmt, percentile, sleep } from './measure';

/**
 * `npm run bench`: the hub's performance scenarios against the real processes, with the raw
 * PostgreSQL floor measured in the same run (docs/BENCHMARKS.md, docs/contracts/hub-interface.md
 * "Benchmarks").
 *
 * What runs: a throwaway database and Redis prefix (createTestEnv, dropped at the end); the BUILT
 * gateway and worker (`npm run build` first: dist/apps/{gateway,worker}/main.js) as separate
 * processes on loopback, `--gateways=N` and `--workers=N` of each; the portal simulator as an HTTP
 * server in a process of its own (portal-sim.process.ts, rate limit off); the provinces in a worker
 * thread of this process (webhook-sender.worker.js). Sources: copies of
 * config/sources/can-tho-nong-san.yaml (its real JSONata mapping) under keys bench-ct-1…N, all
 * province 92; the prefix-registry check is off (the bodies use prefixes no registry knows, so a
 * million records never reuse a key).
 *
 * Figures per scenario: end to end = from the first webhook sent to the last record accepted by
 * the portal (the latest `synced_at`), senders and workers running together; records = records
 * judged; floor = batched `INSERT … ON CONFLICT` of the same kind of JSONB records into a table of
 * the same database, 500 a statement, one connection, measured before the scenarios and after
 * them (the mean is the floor; both are printed); intake p50/p99 = the senders' request latency to
 * the 202; latency p95 = from a webhook's 202 to its versions' `synced_at`; peak RSS = VmHWM of
 * every process of the hub and of the simulator, with their children (the mapping sandbox),
 * sampled every 250 ms after resetting each process's high-water mark at the scenario's start;
 * CPU = user + system time of each of those processes, of PostgreSQL's and Redis's processes and of
 * this one (the senders), over the scenario: a cost per webhook that hardly moves with the load;
 * memory over time (soak only) = VmRSS of the same processes every 5 s, early against late.
 *
 * Flags: --quick (small sizes, ~2–3 min on two cores), --json (one JSON object per line per
 * scenario, progress on stderr), --scale=F (multiply the sizes), --workers=N, --gateways=N,
 * --only=bulk,small,… (scenarios to run), --keep (leave the database; prints its name),
 * --held=N (N records already held, seeded after the warm-up: held-data.ts).
 */

type ScenarioName = 'bulk' | 'small' | 'latency' | 'mixed' | 'soak';
const SCENARIOS: ScenarioName[] = ['bulk', 'small', 'latency', 'mixed', 'soak'];

interface Sizes {
  floorRecords: number;
  bulk: { webhooks: number; sources: number; senders: number };
  small: { webhooks: number; sources: number; senders: number };
  latency: Steady;
  mixed: { webhooks: number; sources: number; senders: number };
  /** A steady load the hub keeps up with, long enough to see memory grow (RSS sampled every 5 s). */
  soak: Steady;
}

/** Webhooks of `recordsPerWebhook` records sent at a steady `recordsPerSecond` for `seconds`. */
interface Steady {
  seconds: number;
  recordsPerSecond: number;
  recordsPerWebhook: number;
  sources: number;
}

const FULL: Sizes = {
  floorRecords: 200_000,
  bulk: { webhooks: 2_000, sources: 4, senders: 8 }, // 1,000,000 records
  small: { webhooks: 20_000, sources: 8, senders: 64 },
  latency: { seconds: 60, recordsPerSecond: 2_000, recordsPerWebhook: 20, sources: 4 },
  mixed: { webhooks: 400, sources: 4, senders: 8 }, // 200,000 records
  soak: { seconds: 600, recordsPerSecond: 500, recordsPerWebhook: 20, sources: 4 }, // the 10-minute soak
};
const QUICK: Sizes = {
  floorRecords: 20_000,
  bulk: { webhooks: 30, sources: 4, senders: 8 },
  small: { webhooks: 2_000, sources: 8, senders: 64 },
  latency: { seconds: 8, recordsPerSecond: 2_000, recordsPerWebhook: 20, sources: 4 },
  mixed: { webhooks: 30, sources: 4, senders: 8 },
  soak: { seconds: 30, recordsPerSecond: 500, recordsPerWebhook: 20, sources: 4 },
};
/** Records of a bulk body: the organization, 166 products, 166 lots, 167 events. */
const BULK_RECORDS = 500;

interface Options {
  quick: boolean;
  json: boolean;
  scale: number;
  workers: number;
  gateways: number;
  only: ScenarioName[];
  keep: boolean;
  /** Records held before the scenarios (seeded in SQL after the warm-up: held-data.ts); 0 = none. */
  held: number;
}

function options(argv: string[]): Options {
  const value = (name: string): string | undefined =>
    argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const whole = (name: string, fallback: number): number => {
    const raw = value(name);
    const n = raw === undefined ? fallback : Number(raw);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a whole number >= 1 (got ${raw})`);
    return n;
  };
  const scale = Number(value('scale') ?? process.env.BENCH_SCALE ?? 1);
  if (!(scale > 0)) throw new Error(`--scale must be a positive number`);
  const only = (value('only') ?? SCENARIOS.join(',')).split(',').filter(Boolean) as ScenarioName[];
  for (const s of only) if (!SCENARIOS.includes(s)) throw new Error(`unknown scenario ${s}`);
  if (only.includes('mixed') && !only.includes('bulk'))
    throw new Error('mixed is measured against bulk (it re-sends some of its records): run both');
  return {
    quick: argv.includes('--quick'),
    json: argv.includes('--json'),
    scale,
    workers: whole('workers', 1),
    gateways: whole('gateways', 1),
    only,
    keep: argv.includes('--keep'),
    held: value('held') === undefined ? 0 : whole('held', 0),
  };
}

function sizesOf(o: Options): Sizes {
  const base = o.quick ? QUICK : FULL;
  const n = (x: number, min = 1) => Math.max(min, Math.round(x * o.scale));
  return {
    floorRecords: n(base.floorRecords, 1000),
    bulk: { ...base.bulk, webhooks: n(base.bulk.webhooks, 2) },
    small: { ...base.small, webhooks: n(base.small.webhooks, 64) },
    latency: { ...base.latency, seconds: n(base.latency.seconds, 2) },
    mixed: { ...base.mixed, webhooks: n(base.mixed.webhooks, 2) },
    soak: { ...base.soak, seconds: n(base.soak.seconds, 10) },
  };
}

// ---------------------------------------------------------------------------------------------
// Peak RSS and CPU time of every process (VmHWM reset per scenario; utime + stime per scenario)

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const list = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      if (list) out.push(...list.split(/\s+/).map(Number));
    }
  } catch {
    // gone
  }
  return out;
}

/** A process's peak (VmHWM) and current (VmRSS) resident set, in KiB. */
function residentKiB(pid: number): { peak: number; now: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const peak = /VmHWM:\s+(\d+) kB/.exec(status);
    const now = /VmRSS:\s+(\d+) kB/.exec(status);
    return peak && now ? { peak: Number(peak[1]), now: Number(now[1]) } : null;
  } catch {
    return null;
  }
}

/** How often the resident set of every process is recorded (the soak's memory over time). */
const RSS_EVERY_MS = 5_000;

/** A process's name and its user + system CPU time in clock ticks, from /proc/<pid>/stat. */
function cpuTicks(pid: number): { comm: string; ticks: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const fields = stat.slice(close + 2).split(' '); // fields[0] is the state (field 3)
    return { comm: stat.slice(stat.indexOf('(') + 1, close), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return null;
  }
}

/** The machine's busy CPU time in clock ticks (every CPU; idle and iowait left out). */
function machineBusyTicks(): number {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return cpu.reduce((a, b) => a + b, 0) - cpu[3] - cpu[4];
}

const CLOCK_TICKS_PER_S = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

class ProcessWatch {
  private readonly peaks = new Map<string, number>();
  /** CPU ticks per pid: the first and the latest sample, and the label it counts under. */
  private readonly cpu = new Map<number, { label: string; first: number; last: number }>();
  /** Resident set per label (children summed under theirs), every RSS_EVERY_MS. */
  private rss: Array<{ at: number; mib: Record<string, number> }> = [];
  private benchCpu = process.cpuUsage();
  private machine0 = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly roots: () => Array<{ label: string; pid: number }>,
    private readonly pgBackends: () => Promise<Array<{ pid: number; shared: boolean }>>,
  ) {}

  /** Every process and its descendants, labelled `role` and `role child`. */
  private processes(): Array<{ label: string; pid: number }> {
    const all: Array<{ label: string; pid: number }> = [];
    for (const root of this.roots()) {
      all.push(root);
      const stack = childrenOf(root.pid);
      while (stack.length) {
        const pid = stack.pop()!;
        all.push({ label: `${root.label} child`, pid });
        stack.push(...childrenOf(pid));
      }
    }
    return all;
  }

  /**
   * PostgreSQL's processes that work for this benchmark (the backends of its database, and the
   * server's own walwriter, checkpointer and the like, which every database shares) and Redis's
   * server. The backend pids come from pg_stat_activity (`pgBackends`, refreshed every 250 ms), so
   * other databases' backends on a shared server are not counted; Redis's pid is found at start.
   */
  private servers(): Array<{ label: string; pid: number }> {
    const out: Array<{ label: string; pid: number }> = [];
    for (const { pid, shared } of this.pg)
      out.push({ label: shared ? 'postgresql (shared)' : 'postgresql', pid });
    for (const pid of this.redis) out.push({ label: 'redis', pid });
    return out;
  }

  private pg: Array<{ pid: number; shared: boolean }> = [];
  /** Redis's server process(es), found once per scenario. */
  private redis: number[] = [];
  private pgRefresh: Promise<void> | null = null;

  private refreshPg(): void {
    this.pgRefresh ??= this.pgBackends()
      .then((pids) => {
        this.pg = pids;
      })
      .catch(() => undefined)
      .finally(() => {
        this.pgRefresh = null;
      });
  }

  async start(): Promise<void> {
    this.pg = await this.pgBackends();
    this.redis = readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry) && cpuTicks(Number(entry))?.comm === 'redis-server')
      .map(Number);
    this.peaks.clear();
    this.cpu.clear();
    this.rss = [];
    for (const { pid } of this.processes()) {
      try {
        writeFileSync(`/proc/${pid}/clear_refs`, '5'); // resets VmHWM to the current RSS
      } catch {
        // not ours to reset: its peak since start is reported
      }
    }
    this.benchCpu = process.cpuUsage();
    this.machine0 = machineBusyTicks();
    this.sample(true);
    this.timer = setInterval(() => this.sample(false), 250);
  }

  private sample(first: boolean): void {
    if (!first) this.refreshPg();
    const hub = this.processes();
    const now = Date.now();
    const recordRss = first || now - (this.rss.at(-1)?.at ?? 0) >= RSS_EVERY_MS;
    const rss: Record<string, number> = {};
    for (const { label, pid } of hub) {
      const kib = residentKiB(pid);
      if (kib === null) continue;
      this.peaks.set(label, Math.max(this.peaks.get(label) ?? 0, kib.peak));
      if (recordRss) rss[label] = (rss[label] ?? 0) + kib.now / 1024;
    }
    if (recordRss) this.rss.push({ at: now, mib: rss });
    for (const { label, pid } of [...hub, ...this.servers()]) {
      const t = cpuTicks(pid);
      if (!t) continue;
      const seen = this.cpu.get(pid);
      // A process born after the start counts from zero; one that ends keeps its last sample.
      if (seen) seen.last = t.ticks;
      else this.cpu.set(pid, { label, first: first ? t.ticks : 0, last: t.ticks });
    }
  }

  stop(): {
    peaks: Record<string, number>;
    cpuSeconds: Record<string, number>;
    machineBusySeconds: number;
    rss: Array<{ at: number; mib: Record<string, number> }>;
  } {
    this.sample(false);
    if (this.timer) clearInterval(this.timer);
    const cpu = new Map<string, number>();
    for (const { label, first, last } of this.cpu.values())
      cpu.set(label, (cpu.get(label) ?? 0) + (last - first) / CLOCK_TICKS_PER_S);
    const bench = process.cpuUsage(this.benchCpu);
    cpu.set('bench (senders)', (bench.user + bench.system) / 1e6);
    return {
      peaks: Object.fromEntries([...this.peaks].map(([k, v]) => [k, Math.round((v / 1024) * 10) / 10])),
      cpuSeconds: Object.fromEntries([...cpu].map(([k, v]) => [k, round(v, 2)])),
      machineBusySeconds: round((machineBusyTicks() - this.machine0) / CLOCK_TICKS_PER_S, 2),
      rss: this.rss,
    };
  }
}

// ---------------------------------------------------------------------------------------------
// The rig: processes, database, sources

interface Source {
  key: string;
  secret: string;
}

interface Rig {
  env: TestEnv;
  db: Client;
  sim: ChildProcess;
  simUrl: string;
  gateways: RunningProcess[];
  gatewayUrls: string[];
  workers: RunningProcess[];
  sender: Worker;
  sources: Source[];
  watch: ProcessWatch;
}

const ADMIN_TOKEN = 'bench-admin-token-0123456789';

async function api(
  url: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<Record<string, unknown>> {
  const res = await fetch(url + path, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(json)}`);
  return json;
}

interface SendResult {
  latencies: number[];
  statuses: Record<string, number>;
  retries: Record<string, number>;
  records: number;
  wallMs: number;
  sentAt: number[];
  ackAt: number[];
}

function send(
  rig: Rig,
  job: { bodies: string[]; idPrefix: string; sources: number; concurrency: number; ratePerSecond?: number },
): Promise<SendResult> {
  // Body i goes to source i % sources, through gateway (i / sources) % gateways.
  const targets: Array<{ url: string; secret: string }> = [];
  for (let g = 0; g < rig.gatewayUrls.length; g++)
    for (const s of rig.sources.slice(0, job.sources))
      targets.push({ url: `${rig.gatewayUrls[g]}/v1/webhooks/${s.key}`, secret: s.secret });
  return new Promise((ok, fail) => {
    rig.sender.once('message', (m: { ok: boolean; result: SendResult; error: string }) =>
      m.ok ? ok(m.result) : fail(new Error(m.error)),
    );
    rig.sender.postMessage({
      targets,
      bodies: job.bodies,
      idPrefix: job.idPrefix,
      concurrency: job.concurrency,
      ratePerSecond: job.ratePerSecond,
    });
  });
}

async function simAccepted(rig: Rig): Promise<number> {
  const res = await fetch(`${rig.simUrl}/__sim/stats`, { headers: { 'x-sim-admin': 'sim-admin' } });
  const stats = (await res.json()) as { results: Record<string, number> };
  return stats.results.accepted ?? 0;
}

// ---------------------------------------------------------------------------------------------
// The raw floor

interface FloorRecord {
  kind: string;
  key: string;
  data: unknown;
}

function floorRecords(count: number, firstBody: number): FloorRecord[] {
  const out: FloorRecord[] = [];
  for (let b = 0; out.length < count; b++) {
    const n = firstBody + b;
    const body = cantHoBodyOf(bulkSpec(n, 10_000_000 + b * 166)) as {
      sanPham: Array<{ maGTIN: string }>;
      loHang: Array<{ maGTIN: string; soLo: string }>;
      suKien: Array<{ maGTIN: string; soLo: string; thoiGian: string; loai: string }>;
    };
    for (const p of body.sanPham) out.push({ kind: 'product', key: p.maGTIN, data: p });
    for (const l of body.loHang) out.push({ kind: 'lot', key: `${l.maGTIN}/${l.soLo}`, data: l });
    for (const e of body.suKien)
      out.push({ kind: 'event', key: `${e.maGTIN}/${e.soLo}/${e.thoiGian}/${e.loai}`, data: e });
  }
  return out.slice(0, count);
}

/** Records/s of batched `INSERT … ON CONFLICT DO UPDATE` of JSONB records, 500 a statement. */
async function measureFloor(db: Client, records: FloorRecord[]): Promise<number> {
  await db.query(`DROP TABLE IF EXISTS bench_floor`);
  await db.query(
    `CREATE TABLE bench_floor (kind text NOT NULL, key text NOT NULL, data jsonb NOT NULL,
       created_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (kind, key))`,
  );
  const t0 = performance.now();
  for (let i = 0; i < records.length; i += 500) {
    const batch = records.slice(i, i + 500);
    await db.query(
      `INSERT INTO bench_floor (kind, key, data)
       SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[])
       ON CONFLICT (kind, key) DO UPDATE SET data = EXCLUDED.data`,
      [batch.map((r) => r.kind), batch.map((r) => r.key), batch.map((r) => JSON.stringify(r.data))],
    );
  }
  const seconds = (performance.now() - t0) / 1000;
  await db.query(`DROP TABLE bench_floor`);
  return records.length / seconds;
}

// ---------------------------------------------------------------------------------------------
// Bodies

/** A bulk body: 500 records, products numbered from `firstProduct` in the wide key space. */
function bulkSpec(n: number, firstProduct: number): BodySpec {
  return { n, owner: n % 3, products: 166, lots: 166, events: 167, gtin: (j) => wideGtin(firstProduct + j) };
}

/** Numbers bodies and products across the run, so no two scenarios share a key by accident. */
class Numbering {
  body = 1;
  product = 0;
  next(products: number): { n: number; first: number } {
    const taken = { n: this.body, first: this.product };
    this.body += 1;
    this.product += Math.max(products, 1);
    return taken;
  }
}

/** Deterministic 0–999 per (body, slot), to pick what a mixed body's record is. */
const draw = (m: number, j: number): number =>
  ((Math.imul(m + 1, 2654435761) ^ Math.imul(j + 1, 40503)) >>> 0) % 1000;

/**
 * Mixed body `m`, against the bulk bodies already sent: of its 499 product/lot/event records, 20 %
 * are duplicates of a bulk body's records, 5 % updates of its products (15 % of the products), 1 %
 * invalid products (no name: 3 % of the products), 0.1 % conflicts (a product of a bulk body of
 * another owner: 0.3 % of the products); the rest are new.
 */
function mixedBody(m: number, bulk: BodySpec[], numbering: Numbering): Record<string, unknown> {
  const base = bulk[m % bulk.length];
  const other = bulk.find((s) => s.owner !== base.owner) ?? base;
  const { n, first } = numbering.next(166);
  type Body = { sanPham: Array<Record<string, unknown>>; loHang: unknown[]; suKien: unknown[] };
  const fresh = cantHoBodyOf({ ...bulkSpec(n, first), owner: base.owner }) as Body & Record<string, unknown>;
  const same = cantHoBodyOf(base) as Body;
  const updated = cantHoBodyOf({ ...base, update: true }) as Body;
  const foreign = cantHoBodyOf(other) as Body;
  fresh.sanPham = fresh.sanPham.map((p, j) => {
    const d = draw(m, j);
    if (d < 200) return same.sanPham[j];
    if (d < 350) return updated.sanPham[j];
    if (d < 380) return { ...p, tenSanPham: undefined };
    if (d < 383) return foreign.sanPham[j];
    return p;
  });
  fresh.loHang = fresh.loHang.map((l, j) => (draw(m, 1000 + j) < 200 ? same.loHang[j] : l));
  fresh.suKien = fresh.suKien.map((e, j) => (draw(m, 2000 + j) < 200 ? same.suKien[j] : e));
  return fresh;
}

/** A small body: the organization and 0–3 more records (1–4 in all). */
function smallBody(k: number, numbering: Numbering): Record<string, unknown> {
  const extra = k % 4;
  const { n, first } = numbering.next(1);
  return cantHoBodyOf({
    n,
    owner: n % 3,
    products: extra >= 1 ? 1 : 0,
    lots: extra >= 2 ? 1 : 0,
    events: extra >= 3 ? 1 : 0,
    gtin: () => wideGtin(first),
  });
}

/** What the hub's mapping makes of a body (in this process): records and those with findings. */
async function mapped(expression: string, body: string): Promise<{ records: number; withFindings: number }> {
  const envelope = await mapPayload(
    'json',
    { language: 'jsonata', expression },
    parsePayload('json', Buffer.from(body)),
    // A check of the bodies, not the hub's limit: a loaded machine must not fail it.
    { timeoutMs: 120_000 },
  );
  const records = envelopeToRecords(envelope);
  // Warnings (a tax code's check digit, say) do not hold a record back; errors do.
  const held = records.filter((r) =>
    r.findings.some((f) => (f as { severity?: string }).severity !== 'warning'),
  );
  return { records: records.length, withFindings: held.length };
}

// ---------------------------------------------------------------------------------------------
// One scenario

export interface ScenarioResult {
  scenario: ScenarioName;
  webhooks: number;
  records: number;
  seconds: number;
  e2e_records_per_s: number;
  floor_records_per_s: number;
  ratio: number;
  intake_p50_ms: number;
  intake_p99_ms: number;
  intake_webhooks_per_s: number;
  intake_seconds: number;
  /** Answers 429 / 503 that the senders retried (same webhook-id, after Retry-After). */
  intake_retries: Record<string, number>;
  unjudged_when_sent: number;
  drain_seconds_after_sent: number;
  latency_p50_ms: number | null;
  latency_p95_ms: number | null;
  peak_rss_mib: number;
  peak_rss_by_process: Record<string, number>;
  /**
   * CPU time (user + system) each process spent during the scenario: the hub's processes and their
   * children, the simulator, PostgreSQL (the benchmark database's backends; the server's shared
   * processes apart), Redis's server (shared with whatever else uses it), and the benchmark itself
   * (the senders' thread). It moves much less with the machine's load than rates do.
   */
  cpu_s_by_process: Record<string, number>;
  /** The machine's busy CPU time over the scenario (every process, ours or not). */
  machine_busy_s: number;
  /** The sum of cpu_s_by_process per webhook sent. */
  cpu_ms_per_webhook: number;
  outcomes: Record<string, number>;
  /** Receipts judged `failed` (a body the mapping could not read, or a mapping time-out under load). */
  failed_receipts: number;
  failed_reasons?: string[];
  synced: number;
  portal_accepted: number;
  load_avg_1m: [number, number];
  offered_records_per_s?: number;
  /** soak only: mean resident set per process over the second fifth of the sending and over its last fifth. */
  rss_early_mib?: Record<string, number>;
  rss_late_mib?: Record<string, number>;
  /** soak only: late minus early, per process. */
  rss_growth_mib?: Record<string, number>;
  /** soak only: the resident set per process at the start of each minute of the sending. */
  rss_each_minute_mib?: Record<string, number[]>;
  sources: number;
  senders: number;
  workers: number;
  gateways: number;
}

const log = (o: Options, line: string) => (o.json ? process.stderr : process.stdout).write(`${line}\n`);

async function runScenario(
  rig: Rig,
  o: Options,
  scenario: ScenarioName,
  bodies: string[],
  shape: { sources: number; senders: number; ratePerSecond?: number; offered?: number },
): Promise<Omit<ScenarioResult, 'floor_records_per_s' | 'ratio'>> {
  const idPrefix = scenario;
  const acceptedBefore = await simAccepted(rig);
  const load0 = loadavg()[0];
  await rig.watch.start();
  const sent = await send(rig, {
    bodies,
    idPrefix,
    sources: shape.sources,
    concurrency: shape.senders,
    ratePerSecond: shape.ratePerSecond,
  });
  const sentDone = Date.now();
  if (sent.statuses['202'] !== bodies.length)
    throw new Error(
      `${scenario}: answers ${JSON.stringify(sent.statuses)} (all ${bodies.length} should be 202)`,
    );
  const unjudgedAtSent = Number(
    (
      await rig.db.query<{ n: string }>(
        `SELECT count(*) AS n FROM receipt WHERE status IN ('stored', 'queued', 'processing')`,
      )
    ).rows[0].n,
  );
  // Scenarios run one after another: whatever is unjudged or ready now is this scenario's.
  // At least 500 records/s, or the run is called stuck.
  const deadline = Date.now() + 120_000 + sent.records * 2;
  for (;;) {
    const r = await rig.db.query<{ unjudged: string; ready: string }>(
      `SELECT (SELECT count(*) FROM receipt WHERE status IN ('stored', 'queued', 'processing')) AS unjudged,
              (SELECT count(*) FROM record_version WHERE status = 'ready') AS ready`,
    );
    if (Number(r.rows[0].unjudged) === 0 && Number(r.rows[0].ready) === 0) break;
    if (Date.now() > deadline)
      throw new Error(`${scenario}: not done by the deadline (${JSON.stringify(r.rows[0])})`);
    await sleep(100);
  }
  const drainedAt = Date.now();
  const { peaks, cpuSeconds, machineBusySeconds, rss } = rig.watch.stop();
  const load1 = loadavg()[0];
  const like = `${idPrefix}-%`;
  const outcomes = await rig.db.query<{ outcome: string; n: string }>(
    `SELECT rr.outcome, count(*) AS n FROM receipt_record rr JOIN receipt r ON r.id = rr.receipt_id
      WHERE r.webhook_id LIKE $1 GROUP BY 1 ORDER BY 1`,
    [like],
  );
  const versions = await rig.db.query<{ webhook_id: string; at: string }>(
    `SELECT r.webhook_id, (extract(epoch FROM rv.synced_at) * 1000)::float8 AS at
       FROM record_version rv JOIN receipt r ON r.id = rv.receipt_id
      WHERE r.webhook_id LIKE $1 AND rv.status = 'synced'`,
    [like],
  );
  const failed = await rig.db.query<{ error: string | null }>(
    `SELECT error FROM receipt WHERE webhook_id LIKE $1 AND status = 'failed'`,
    [like],
  );
  const portalAccepted = (await simAccepted(rig)) - acceptedBefore;
  const firstSent = Math.min(...sent.sentAt);
  const lastSynced = versions.rows.reduce((m, v) => Math.max(m, Number(v.at)), 0);
  const end = lastSynced > 0 ? Math.max(lastSynced, sentDone) : drainedAt;
  const seconds = (end - firstSent) / 1000;
  const latencies = versions.rows
    .map((v) => Number(v.at) - sent.ackAt[Number(v.webhook_id.slice(idPrefix.length + 1))])
    .sort((a, b) => a - b);
  const intake = [...sent.latencies].sort((a, b) => a - b);
  const records = outcomes.rows.reduce((n, r) => n + Number(r.n), 0);
  if (portalAccepted !== versions.rows.length)
    throw new Error(
      `${scenario}: the portal accepted ${portalAccepted} versions, the hub recorded ${versions.rows.length} synced`,
    );
  return {
    scenario,
    webhooks: bodies.length,
    records,
    seconds: round(seconds, 2),
    e2e_records_per_s: Math.round(records / seconds),
    intake_p50_ms: round(percentile(intake, 50), 1),
    intake_p99_ms: round(percentile(intake, 99), 1),
    intake_webhooks_per_s: Math.round((bodies.length / sent.wallMs) * 1000),
    intake_seconds: round(sent.wallMs / 1000, 2),
    intake_retries: sent.retries,
    unjudged_when_sent: unjudgedAtSent,
    drain_seconds_after_sent: round((drainedAt - sentDone) / 1000, 2),
    latency_p50_ms: latencies.length ? Math.round(percentile(latencies, 50)) : null,
    latency_p95_ms: latencies.length ? Math.round(percentile(latencies, 95)) : null,
    peak_rss_mib: Math.max(0, ...Object.values(peaks)),
    peak_rss_by_process: peaks,
    cpu_s_by_process: cpuSeconds,
    machine_busy_s: machineBusySeconds,
    cpu_ms_per_webhook: round(
      (Object.values(cpuSeconds).reduce((a, b) => a + b, 0) * 1000) / bodies.length,
      2,
    ),
    outcomes: Object.fromEntries(outcomes.rows.map((r) => [r.outcome, Number(r.n)])),
    failed_receipts: failed.rows.length,
    ...(failed.rows.length
      ? { failed_reasons: [...new Set(failed.rows.map((f) => (f.error ?? '').slice(0, 120)))] }
      : {}),
    synced: versions.rows.length,
    portal_accepted: portalAccepted,
    load_avg_1m: [round(load0, 2), round(load1, 2)],
    ...(shape.offered ? { offered_records_per_s: shape.offered } : {}),
    sources: shape.sources,
    senders: shape.senders,
    workers: o.workers,
    gateways: o.gateways,
    ...(scenario === 'soak' ? rssTrend(rss, firstSent, sentDone) : {}),
  };
}

/**
 * Memory under a steady load, per process, from the samples taken while the senders sent (the
 * drain after is another regime): the mean resident set over the second fifth of that window
 * (start-up, JIT and pools settled) and over its last fifth, their difference, and one sample a
 * minute. A process that leaks grows from one to the other; one that does not moves with its GC.
 */
function rssTrend(
  samples: Array<{ at: number; mib: Record<string, number> }>,
  from: number,
  to: number,
): Pick<ScenarioResult, 'rss_early_mib' | 'rss_late_mib' | 'rss_growth_mib' | 'rss_each_minute_mib'> {
  const span = to - from;
  const within = (a: number, b: number) =>
    samples.filter((x) => x.at >= from + span * a && x.at <= from + span * b);
  const mean = (xs: typeof samples): Record<string, number> => {
    const sums: Record<string, number> = {};
    for (const x of xs) for (const [k, v] of Object.entries(x.mib)) sums[k] = (sums[k] ?? 0) + v / xs.length;
    return Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, round(v, 1)]));
  };
  const early = mean(within(0.2, 0.4));
  const late = mean(within(0.8, 1));
  const minutes: Record<string, number[]> = {};
  let next = from;
  for (const x of samples) {
    if (x.at < next || x.at > to) continue;
    for (const [k, v] of Object.entries(x.mib)) (minutes[k] ??= []).push(round(v, 1));
    next += 60_000;
  }
  return {
    rss_early_mib: early,
    rss_late_mib: late,
    rss_growth_mib: Object.fromEntries(Object.keys(late).map((k) => [k, round(late[k] - (early[k] ?? 0), 1)])),
    rss_each_minute_mib: minutes,
  };
}

/** Webhooks of l.recordsPerWebhook records (an organization, products, lots, events) at a steady rate. */
function steadyPlan(
  name: ScenarioName,
  l: Steady,
  numbering: Numbering,
): {
  name: ScenarioName;
  make: () => Promise<string[]>;
  shape: { sources: number; senders: number; ratePerSecond: number; offered: number };
} {
  const perSecond = l.recordsPerSecond / l.recordsPerWebhook;
  const rest = l.recordsPerWebhook - 1;
  return {
    name,
    shape: { sources: l.sources, senders: 64, ratePerSecond: perSecond, offered: l.recordsPerSecond },
    make: () =>
      Promise.resolve(
        Array.from({ length: Math.round(perSecond * l.seconds) }, () => {
          const products = Math.floor(rest / 3);
          const { n, first } = numbering.next(products);
          return JSON.stringify(
            cantHoBodyOf({
              n,
              owner: n % 3,
              products,
              lots: products,
              events: rest - 2 * products,
              gtin: (j) => wideGtin(first + j),
            }),
          );
        }),
      ),
  };
}

const round = (n: number, digits: number): number => Math.round(n * 10 ** digits) / 10 ** digits;

// ---------------------------------------------------------------------------------------------

async function startRig(
  o: Options,
  sizes: Sizes,
  env: TestEnv,
  cleanup: Array<() => Promise<void>>,
): Promise<Rig> {
  const sim = fork(resolve(__dirname, 'run-ts.js'), [resolve(__dirname, 'portal-sim.process.ts')], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  cleanup.push(() => {
    if (sim.connected) sim.disconnect();
    return Promise.resolve();
  });
  const simUrl = await new Promise<string>((ok, fail) => {
    sim.once('message', (m: { url: string }) => ok(m.url));
    sim.once('exit', (code) => fail(new Error(`the simulator exited (${code})`)));
  });
  await migrateDatabase(env.databaseUrl);
  const settings = {
    HUB_ADMIN_TOKEN: ADMIN_TOKEN,
    HUB_SECRET_KEY: 'bench-secret-key-0123456789abcdefghijklmnop',
    PORTAL_BASE_URL: simUrl,
    PORTAL_CLIENT_ID: 'txng-hub-dev',
    PORTAL_CLIENT_SECRET: 'txng-hub-dev-secret',
    PREFIX_REGISTRY_CHECK: 'off',
    RECONCILE_EVERY_MS: '0',
    // Every sender is on 127.0.0.1; provinces come from addresses of their own.
    WEBHOOK_CONCURRENCY_PER_ADDRESS: '1000',
    ADMIN_RATE_LIMIT: '0',
    LOG_LEVEL: 'warn',
    // BENCH_HUB_ENV="NAME=value …": settings to compare (DATABASE_PREPARED_STATEMENTS=off, say).
    ...Object.fromEntries(
      (process.env.BENCH_HUB_ENV ?? '')
        .split(' ')
        .filter((a) => a.includes('='))
        .map((a) => [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]),
    ),
  };
  // Node.js options of the hub's processes, for profiling them (docs/BENCHMARKS.md): e.g.
  // BENCH_HUB_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" (Node refuses --cpu-prof in NODE_OPTIONS).
  const nodeArgs = (process.env.BENCH_HUB_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
  const gateways: RunningProcess[] = [];
  const gatewayUrls: string[] = [];
  const workers: RunningProcess[] = [];
  cleanup.push(async () => {
    for (const p of [...gateways, ...workers]) {
      if (p.child.exitCode === null && p.child.signalCode === null) {
        p.child.kill('SIGTERM');
        await p.exited(15_000).catch(() => p.child.kill('SIGKILL'));
      }
    }
  });
  for (let g = 0; g < o.gateways; g++) {
    const port = await freePort();
    gateways.push(
      startBuilt('gateway', [], hubProcessEnv(env, { ...settings, PORT: String(port), HOST: '127.0.0.1' }), {
        nodeArgs,
      }),
    );
    gatewayUrls.push(`http://127.0.0.1:${port}`);
  }
  for (let w = 0; w < o.workers; w++)
    workers.push(startBuilt('worker', [], hubProcessEnv(env, settings), { nodeArgs }));
  await Promise.all([
    ...gateways.map((g) => g.waitFor(/listening on/, 120_000)),
    ...workers.map((w) => w.waitFor(/worker running/, 120_000)),
  ]);
  const db = new Client({ connectionString: env.databaseUrl });
  await db.connect();
  cleanup.push(() => db.end());
  const sender = new Worker(resolve(__dirname, 'webhook-sender.worker.js'), {
    workerData: { concurrency: 8 },
  });
  cleanup.push(async () => {
    await sender.terminate();
  });
  const rig: Rig = {
    env,
    db,
    sim,
    simUrl,
    gateways,
    gatewayUrls,
    workers,
    sender,
    sources: [],
    watch: new ProcessWatch(
      () => [
        ...gateways.map((g, i) => ({ label: `gateway-${i + 1}`, pid: g.child.pid! })),
        ...workers.map((w, i) => ({ label: `worker-${i + 1}`, pid: w.child.pid! })),
        { label: 'portal-sim', pid: sim.pid! },
      ],
      async () =>
        (
          await db.query<{ pid: number; shared: boolean }>(
            `SELECT pid, datname IS NULL AS shared FROM pg_stat_activity
            WHERE (datname = current_database() AND pid <> pg_backend_pid()) OR datname IS NULL`,
          )
        ).rows,
    ),
  };
  const definition = parseYaml(
    readFileSync(resolve(__dirname, '../../config/sources/can-tho-nong-san.yaml'), 'utf8'),
  ) as Record<string, unknown>;
  const wanted = Math.max(...o.only.map((s) => sizes[s].sources));
  for (let i = 1; i <= wanted; i++) {
    const key = `bench-ct-${i}`;
    const created = await api(gatewayUrls[0], 'POST', '/v1/admin/sources', {
      ...definition,
      key,
      name: `Nguồn đo ${i}`,
      rateLimitPerMinute: 100_000,
    });
    await api(gatewayUrls[0], 'POST', `/v1/admin/sources/${key}/activate`);
    rig.sources.push({ key, secret: created.webhookSecret as string });
  }
  return rig;
}

function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

export async function main(...argv: string[]): Promise<void> {
  const o = options(argv);
  const sizes = sizesOf(o);
  const definition = parseYaml(
    readFileSync(resolve(__dirname, '../../config/sources/can-tho-nong-san.yaml'), 'utf8'),
  ) as { mapping: { expression: string } };
  const expression = definition.mapping.expression;
  const numbering = new Numbering();
  const cleanup: Array<() => Promise<void>> = [];
  const env = await createTestEnv();
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    for (const c of cleanup.reverse()) await c().catch(() => undefined);
    if (o.keep) log(o, `database kept: ${new URL(env.databaseUrl).pathname.slice(1)} (drop it when done)`);
    else await env.dispose();
  };
  const onSignal = () => void stop().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const results: ScenarioResult[] = [];
  try {
    log(
      o,
      `hub benchmark (${o.quick ? 'quick' : 'full'}${o.scale !== 1 ? `, scale ${o.scale}` : ''}): ` +
        `${o.gateways} gateway(s), ${o.workers} worker(s), commit ${gitCommit()}, load ${loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')}`,
    );
    const rig = await startRig(o, sizes, env, cleanup);
    // Without autovacuum nothing removes dead rows while a long run updates receipts and
    // versions: figures of such a server say so (docs/BENCHMARKS.md, "The soak").
    const autovacuum = (await rig.db.query<{ autovacuum: string }>(`SHOW autovacuum`)).rows[0].autovacuum;
    if (autovacuum !== 'on') log(o, `note: this PostgreSQL runs with autovacuum ${autovacuum}`);

    // Warm-up, not counted: connections, JIT, the portal token, the organizations.
    const warm = rig.sources.map((_, i) => JSON.stringify(smallBody(i * 4 + 3, numbering)));
    await runScenario(rig, o, 'warm' as ScenarioName, warm, { sources: rig.sources.length, senders: 4 });

    if (o.held > 0) await seedHeld(rig.db, o.held, rig.sources[0].key, (line) => log(o, line));

    const floorSample = floorRecords(sizes.floorRecords, 5_000_000);
    const floorBefore = await measureFloor(rig.db, floorSample);
    log(o, `floor (batched INSERT … ON CONFLICT of JSONB, 500 a statement): ${fmt(floorBefore)} records/s`);

    const bulkSpecs: BodySpec[] = [];
    const plans: Array<{
      name: ScenarioName;
      make: () => Promise<Parameters<typeof runScenario>[3]>;
      shape: Parameters<typeof runScenario>[4];
    }> = [];
    for (const name of o.only) {
      if (name === 'bulk') {
        plans.push({
          name,
          shape: { sources: sizes.bulk.sources, senders: sizes.bulk.senders },
          make: async () => {
            const bodies: string[] = [];
            for (let i = 0; i < sizes.bulk.webhooks; i++) {
              const { n, first } = numbering.next(166);
              const spec = bulkSpec(n, first);
              bulkSpecs.push(spec);
              bodies.push(JSON.stringify(cantHoBodyOf(spec)));
            }
            const check = await mapped(expression, bodies[0]);
            if (check.records !== BULK_RECORDS || check.withFindings > 0)
              throw new Error(`bulk body: ${JSON.stringify(check)} (expected ${BULK_RECORDS} valid records)`);
            return bodies;
          },
        });
      } else if (name === 'small') {
        plans.push({
          name,
          shape: { sources: sizes.small.sources, senders: sizes.small.senders },
          make: () =>
            Promise.resolve(
              Array.from({ length: sizes.small.webhooks }, (_, k) => JSON.stringify(smallBody(k, numbering))),
            ),
        });
      } else if (name === 'latency' || name === 'soak') {
        plans.push(steadyPlan(name, sizes[name], numbering));
      } else {
        plans.push({
          name,
          shape: { sources: sizes.mixed.sources, senders: sizes.mixed.senders },
          make: async () => {
            const bodies = Array.from({ length: sizes.mixed.webhooks }, (_, m) =>
              JSON.stringify(mixedBody(m, bulkSpecs, numbering)),
            );
            const check = await mapped(expression, bodies[0]);
            if (check.records !== BULK_RECORDS || check.withFindings === 0)
              throw new Error(`mixed body: ${JSON.stringify(check)} (expected some invalid products)`);
            return bodies;
          },
        });
      }
    }
    const measured: Array<Omit<ScenarioResult, 'floor_records_per_s' | 'ratio'>> = [];
    // A scenario that fails ends the run, but the ones measured before it are still reported.
    let failure: unknown = null;
    for (const plan of plans) {
      const bodies = await plan.make();
      log(o, `${plan.name}: ${bodies.length} webhooks…`);
      let r: Awaited<ReturnType<typeof runScenario>>;
      try {
        r = await runScenario(rig, o, plan.name, bodies, plan.shape);
      } catch (error) {
        failure = error;
        break;
      }
      log(
        o,
        `${plan.name}: ${fmt(r.records)} records in ${fmt(r.seconds, 2)} s = ${fmt(r.e2e_records_per_s)} records/s end to end; ` +
          `intake ${fmt(r.intake_webhooks_per_s)} webhooks/s p99 ${fmt(r.intake_p99_ms, 1)} ms; peak RSS ${fmt(r.peak_rss_mib, 1)} MiB; load ${r.load_avg_1m.join(' → ')}`,
      );
      measured.push(r);
    }
    const floorAfter = failure === null ? await measureFloor(rig.db, floorSample) : floorBefore;
    const floor = (floorBefore + floorAfter) / 2;
    log(o, `floor again: ${fmt(floorAfter)} records/s; floor used: ${fmt(floor)} records/s`);
    for (const r of measured) {
      results.push({
        ...r,
        floor_records_per_s: Math.round(floor),
        ratio: round(r.e2e_records_per_s / floor, 4),
      });
    }
    const commit = gitCommit();
    if (o.json) {
      for (const r of results)
        process.stdout.write(
          `${JSON.stringify({ ...r, floor_before: Math.round(floorBefore), floor_after: Math.round(floorAfter), commit, quick: o.quick, scale: o.scale, held: o.held, pg_autovacuum: autovacuum })}\n`,
        );
    } else {
      const lines = [
        '',
        `floor ${fmt(floorBefore)} / ${fmt(floorAfter)} records/s (before / after the scenarios), commit ${commit}`,
        '',
        '| scenario | webhooks | records | seconds | records/s end to end | ratio to floor | intake webhooks/s | intake p50 / p99 ms | 202 → portal p50 / p95 ms | unjudged when sent | peak RSS MiB (max; by process) | CPU ms per webhook (s by process) | load 1m | outcomes |',
        '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | ---: | --- | --- | --- | --- |',
        ...results.map(
          (r) =>
            `| ${r.scenario} | ${fmt(r.webhooks)} | ${fmt(r.records)} | ${fmt(r.seconds, 2)} | ${fmt(r.e2e_records_per_s)} | ${fmt(r.ratio * 100, 1)} % | ${fmt(r.intake_webhooks_per_s)} | ${fmt(r.intake_p50_ms, 1)} / ${fmt(r.intake_p99_ms, 1)} | ` +
            `${r.latency_p50_ms ?? '–'} / ${r.latency_p95_ms ?? '–'} | ${fmt(r.unjudged_when_sent)} | ${fmt(r.peak_rss_mib, 1)}; ${Object.entries(
              r.peak_rss_by_process,
            )
              .map(([k, v]) => `${k} ${fmt(v)}`)
              .join(', ')} | ${fmt(r.cpu_ms_per_webhook, 2)} (${Object.entries(r.cpu_s_by_process)
              .map(([k, v]) => `${k} ${fmt(v, 1)}`)
              .join(', ')}) | ${r.load_avg_1m.join(' → ')} | ${Object.entries(r.outcomes)
              .map(([k, v]) => `${k} ${v}`)
              .join(', ')} |`,
        ),
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    }
    if (failure !== null) throw failure instanceof Error ? failure : new Error(JSON.stringify(failure));
  } catch (error) {
    process.stderr.write(`hub benchmark failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  } finally {
    await stop();
  }
  // The mapping sandbox of the bodies' check (child processes) would keep this process alive.
  process.exit();
}
