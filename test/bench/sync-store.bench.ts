import { migrateDatabase, dataSourceOptions, PgSyncBatchRepository } from '@txng/persistence';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { loadSyncOptions } from '../../libs/jobs/src/sync/sync.options';
import { type ClaimedBatch, type ItemOutcome, SyncBatches } from '../../libs/jobs/src/sync/sync-batches';
import { createTestEnv } from '../support/test-env';

/**
 * The sync's PostgreSQL side alone (docs/BENCHMARKS.md, "The sync's queries"): a database filled
 * with `--ready` ready versions of province 92 (of which `--v2` keys also have a ready version 2
 * waiting behind version 1) next to `--synced` older synced versions, then drained exactly as
 * `SyncService.runProvince` does — the tick's query, up to 4 claims, the 4 acknowledgements at
 * once (every record `accepted`), round after round — with no portal in between. Prints wall time,
 * the PostgreSQL backends' CPU and the time per call. `--explain=MS` logs the plan (EXPLAIN ANALYZE,
 * BUFFERS) of every statement slower than MS to the server's log (auto_explain, loaded for this
 * database's sessions only). Asserts nothing.
 *
 * node test/bench/run-ts.js test/bench/sync-store.bench.ts [--ready=10000] [--v2=2000] [--synced=10000]
 *   [--explain=MS] [--keep] [--fill-only (fill, keep the database, do not drain)]
 */

const fmt = (n: number, digits = 0): string =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function flag(argv: string[], name: string, fallback: number): number {
  const given = argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const n = given === undefined ? fallback : Number(given);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number >= 0`);
  return n;
}

async function pgCpuMs(db: Client, dbName: string, seen: Map<number, number>): Promise<number> {
  const pids = (
    await db.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [dbName],
    )
  ).rows.map((r) => r.pid);
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      seen.set(pid, Number(fields[11]) + Number(fields[12]));
    } catch {
      // exited
    }
  }
  return [...seen.values()].reduce((a, b) => a + b, 0) * 10;
}

/** Fills the database: one active source of province 92, records and versions with product-like data. */
async function fill(db: Client, ready: number, v2: number, synced: number): Promise<void> {
  await db.query(`INSERT INTO source (key, province_code, name, kind, format, stage)
                  VALUES ('bench-sync', '92', 'bench', 'webhook', 'json', 'active')`);
  await db.query(`INSERT INTO receipt (id, source_key, origin, content_type, body, body_sha256, size_bytes, status)
                  VALUES ('00000000-0000-0000-0000-000000000001', 'bench-sync', 'webhook', 'application/json',
                          '\\x7b7d', 'x', 2, 'processed')`);
  const data = (i: string) => `jsonb_build_object(
      'gtin', lpad(${i}::text, 14, '0'), 'name', 'Gạo ST25 lô ' || ${i}, 'netContent', jsonb_build_object('value', 5, 'unit', 'KGM'),
      'certifications', jsonb_build_array('VietGAP', 'OCOP 4 sao'), 'images', jsonb_build_array('https://txng.cantho.gov.vn/anh/' || ${i} || '.jpg'),
      'owner', jsonb_build_object('taxCode', '1800156801', 'name', 'Hợp tác xã Gạo sạch Cờ Đỏ', 'provinceCode', '92'))`;
  const insert = async (from: number, to: number, status: 'ready' | 'synced', version: number) => {
    await db.query(
      `INSERT INTO record_version (kind, key, version, content_hash, data, status, source_key, receipt_id, item_index,
                                   portal_version, sync_target, synced_at)
       SELECT 'product', 'k' || g, $3::int, md5(g::text || $3::text), ${data('g')}, $4::text, 'bench-sync',
              '00000000-0000-0000-0000-000000000001', g,
              CASE WHEN $4::text = 'synced' THEN $3::int END, CASE WHEN $4::text = 'synced' THEN 'production' END,
              CASE WHEN $4::text = 'synced' THEN now() END
         FROM generate_series($1::int, $2::int) g`,
      [from, to, version, status],
    );
  };
  // History first (older ids), then the backlog: version 1 of `ready` keys, then version 2 of `v2` of them.
  if (synced > 0) await insert(1, synced, 'synced', 1);
  await insert(synced + 1, synced + ready, 'ready', 1);
  if (v2 > 0) await insert(synced + 1, synced + v2, 'ready', 2);
  await db.query(
    `INSERT INTO record (kind, key, province_code, latest_version, source_key, status, portal_version, synced_version)
     SELECT 'product', 'k' || g, '92', CASE WHEN g > $1::int AND g <= $1::int + $3::int THEN 2 ELSE 1 END, 'bench-sync',
            CASE WHEN g <= $1::int THEN 'synced' ELSE 'ready' END, CASE WHEN g <= $1::int THEN 1 ELSE 0 END,
            CASE WHEN g <= $1::int THEN 1 END
       FROM generate_series(1, $1::int + $2::int) g`,
    [synced, ready, v2],
  );
  if (synced > 0)
    await db.query(
      `INSERT INTO record_sync (kind, key, target, province_code, portal_version, synced_version, content_hash, synced_at)
       SELECT 'product', 'k' || g, 'production', '92', 1, 1, md5(g::text || 1), now() FROM generate_series(1, $1) g`,
      [synced],
    );
  await db.query('ANALYZE');
}

export async function main(...argv: string[]): Promise<void> {
  const ready = flag(argv, 'ready', 10_000);
  const v2 = Math.min(flag(argv, 'v2', 2_000), ready);
  const synced = flag(argv, 'synced', 10_000);
  const keep = argv.includes('--keep') || argv.includes('--fill-only');
  const explainAt = argv.find((a) => a.startsWith('--explain='));
  const explainMs = explainAt === undefined ? null : flag(argv, 'explain', 0);
  const env = await createTestEnv();
  const dbName = new URL(env.databaseUrl).pathname.slice(1);
  const db = new Client({ connectionString: env.databaseUrl });
  const dataSource = new DataSource({ ...dataSourceOptions(env.databaseUrl), logging: false });
  try {
    await migrateDatabase(env.databaseUrl);
    await db.connect();
    await fill(db, ready, v2, synced);
    if (argv.includes('--fill-only')) {
      process.stdout.write(`filled ${dbName}\n`);
      return;
    }
    if (explainMs !== null) {
      // auto_explain for this database's new sessions only: the plans go to the server's log.
      for (const setting of [
        `session_preload_libraries = 'auto_explain'`,
        `auto_explain.log_min_duration = ${explainMs}`,
        'auto_explain.log_analyze = on',
        'auto_explain.log_buffers = on',
        'auto_explain.log_nested_statements = on',
      ])
        await db.query(`ALTER DATABASE "${dbName}" SET ${setting}`);
    }
    await dataSource.initialize();
    const options = loadSyncOptions({}, { lingerMs: 0 });
    const store = new SyncBatches(new PgSyncBatchRepository(dataSource, options), options);

    const timings = new Map<string, { n: number; ms: number }>();
    const timed = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
      const t0 = performance.now();
      try {
        return await fn();
      } finally {
        const t = timings.get(name) ?? { n: 0, ms: 0 };
        t.n++;
        t.ms += performance.now() - t0;
        timings.set(name, t);
      }
    };
    const seen = new Map<number, number>();
    const cpu0 = await pgCpuMs(db, dbName, seen);
    const t0 = performance.now();
    let records = 0;
    let batches = 0;
    for (let round = 0; round < 10_000; round++) {
      const work = await timed('tick: provincesWithWork', () => store.provincesWithWork([]));
      await timed('metrics: backlog', () => store.backlog());
      if (work.length === 0) break;
      const claimed: ClaimedBatch[] = [];
      while (claimed.length < options.inFlightPerProvince) {
        const b = await timed('claim', () => store.claim('92', 'production'));
        if (!b) break;
        claimed.push(b);
      }
      if (claimed.length === 0) break;
      await Promise.all(
        claimed.map((b) =>
          timed('acknowledge', () =>
            store.acknowledge(
              b,
              b.items.map<ItemOutcome>((i) => ({
                id: i.id,
                kind: i.kind,
                key: i.key,
                status: 'synced',
                reason: `sync: accepted as portal version ${i.portalVersion}, batch ${b.id}`,
                portalId: `P-${i.key}`,
                portalVersion: i.portalVersion,
                contentHash: i.contentHash,
                error: null,
              })),
              { portalBatchIds: [`pb-${b.id}`], replayed: false, summary: { accepted: b.items.length } },
            ),
          ),
        ),
      );
      batches += claimed.length;
      records += claimed.reduce((n, b) => n + b.items.length, 0);
    }
    const wall = performance.now() - t0;
    const cpu = (await pgCpuMs(db, dbName, seen)) - cpu0;
    const left = await db.query<{ status: string; n: string }>(
      `SELECT status, count(*) AS n FROM record_version GROUP BY 1 ORDER BY 1`,
    );
    const out: string[] = [];
    out.push(
      `sync store benchmark: ${fmt(ready)} ready versions (${fmt(v2)} keys with a version 2 behind), ${fmt(synced)} synced before`,
    );
    out.push(
      `drained ${fmt(records)} versions in ${batches} batches: ${fmt(wall)} ms (${fmt((records / wall) * 1000)} versions/s); ` +
        `PostgreSQL backends ${fmt(cpu)} ms CPU (${fmt((cpu / Math.max(records, 1)) * 1000, 1)} ms per 1,000 versions)`,
    );
    for (const [name, t] of timings)
      out.push(`  ${name}: ${t.n} calls, ${fmt(t.ms)} ms, ${fmt(t.ms / t.n, 2)} ms each`);
    out.push(`  versions after: ${left.rows.map((r) => `${r.status} ${r.n}`).join(', ')}`);
    process.stdout.write(`${out.join('\n')}\n`);
  } catch (error) {
    process.stderr.write(`sync store benchmark failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await db.end().catch(() => undefined);
    if (keep) process.stdout.write(`database kept for inspection: ${dbName} (drop it when done)\n`);
    else await env.dispose();
  }
}
