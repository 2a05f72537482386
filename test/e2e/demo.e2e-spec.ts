import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { previewMapping } from '@txng/mapping';
import { parse } from 'yaml';
import { plantedMess } from '../../apps/province-sim/src/plan';
import { feedFor } from '../../apps/province-sim/src/province-sim';
import { Rng } from '../../apps/province-sim/src/rng';
import { freePort } from '../support/ports';
import { createTestEnv, type TestEnv } from '../support/test-env';
import { DIST, startBuilt, type RunningProcess } from '../support/processes';

/**
 * `npm run demo` as built (dist/apps/demo): against a fresh database, the five provincial
 * simulators push and are polled for a short while at a fast rate; then everything the demo
 * promises in docs/demo.md must be visible through the portal simulator and the operator API.
 */
const ROOT = join(__dirname, '..', '..');
const SEED = 7;
const TOKEN = 'demo-e2e-admin-token-0123456789';
const PROVINCES: Record<string, { source: string; kinds: string[] }> = {
  '92': { source: 'can-tho-nong-san', kinds: ['organization', 'location', 'product', 'lot', 'event'] },
  '86': { source: 'vinh-long-tra-vinh', kinds: ['organization', 'location', 'product', 'lot', 'event'] },
  '96': { source: 'ca-mau-tom', kinds: ['event'] },
  '04': { source: 'cao-bang-csv', kinds: ['organization', 'product', 'lot'] },
  '80': { source: 'tay-ninh-long-an', kinds: ['organization', 'product', 'lot'] },
};

async function eventually<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(
        `${what}: not within ${timeoutMs / 1000} s${last instanceof Error ? ` (${last.message})` : ''}`,
      );
    await new Promise((r) => setTimeout(r, 1000));
  }
}

interface RecordItem {
  kind: string;
  key: string;
  version: number | null;
  status: string;
  source: string;
  webhookId: string | null;
  findings: Array<{ code: string; severity?: string }>;
  data: Record<string, unknown>;
}

describe('npm run demo (built): the demo federation end to end', () => {
  let env: TestEnv;
  let demo: RunningProcess;
  let hub: string;
  let portal: string;

  const admin = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${hub}${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  const allRecords = async (query: string): Promise<RecordItem[]> => {
    const items: RecordItem[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: RecordItem[]; nextCursor: string | null } = await admin(
        'GET',
        `/v1/admin/records?${query}&limit=500${cursor ? `&cursor=${cursor}` : ''}`,
      );
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return items;
  };
  const portalSummary = async (code: string): Promise<{ counts: Record<string, number>; digest: string }> => {
    const tokenResponse = await fetch(`${portal}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&client_id=txng-hub-dev&client_secret=txng-hub-dev-secret',
    });
    const { access_token } = (await tokenResponse.json()) as { access_token: string };
    const response = await fetch(`${portal}/api/v1/provinces/${code}/summary`, {
      headers: { authorization: `Bearer ${access_token}` },
    });
    return (await response.json()) as { counts: Record<string, number>; digest: string };
  };

  beforeAll(async () => {
    if (!existsSync(join(DIST, 'demo', 'main.js')) || !existsSync(join(DIST, 'province-sim', 'main.js')))
      throw new Error('dist/apps/demo or dist/apps/province-sim is missing: run `npm run build` first');
    env = await createTestEnv();
    const [port, portalPort, pollPort, callbackPort] = [
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    hub = `http://127.0.0.1:${port}`;
    portal = `http://127.0.0.1:${portalPort}`;
    // startBuilt runs dist/apps/<app>/main.js; the demo is one of those apps.
    demo = startBuilt(
      'demo',
      [
        '--seed',
        String(SEED),
        '--rate',
        '4',
        '--duration',
        '10',
        '--port',
        String(port),
        '--portal-port',
        String(portalPort),
        '--poll-port',
        String(pollPort),
        '--callback-port',
        String(callbackPort),
        '--poll-interval',
        '5',
        '--database-url',
        env.databaseUrl,
        '--redis-url',
        env.config.redisUrl,
        '--redis-prefix',
        env.redisPrefix,
        '--admin-token',
        TOKEN,
      ],
      {},
    );
    await demo.waitFor(/demo federation is running/, 90_000);
    await demo.waitFor(/sending finished/, 60_000);
  }, 180_000);

  afterAll(async () => {
    if (demo && demo.child.exitCode === null) await demo.stop('SIGINT').catch(() => undefined);
    await env?.dispose();
  }, 60_000);

  it('prints where to go and the admin token, and no other secret', () => {
    const out = demo.output();
    expect(out).toContain(`${hub}/admin`);
    expect(out).toContain(TOKEN);
    expect(out).not.toMatch(/whsec_/);
    expect(out).not.toMatch(/tn_[0-9a-f]{36}/);
  });

  it('records from every example source reach the portal simulator', async () => {
    for (const [code, { kinds }] of Object.entries(PROVINCES)) {
      await eventually(`portal summary of ${code} has ${kinds.join(', ')}`, 60_000, async () => {
        const summary = await portalSummary(code);
        return kinds.every((k) => (summary.counts?.[k] ?? 0) > 0) ? summary : undefined;
      });
    }
  }, 90_000);

  it('Cần Thơ verifies the callbacks the hub signs and prints what became of its records', async () => {
    const receipt = String.raw`\[provinces\] province-sim: Cần Thơ: receipt [0-9a-f]{8} \(msg_demo_${SEED}_can-tho-nong-san_\d+\)`;
    await eventually('a processed and a synced receipt told by Cần Thơ', 60_000, () => {
      const out = demo.output();
      return Promise.resolve(
        new RegExp(`${receipt} processed: \\d+ accepted`).test(out) &&
          new RegExp(`${receipt} synced: \\d+ records? at the National Portal`).test(out)
          ? true
          : undefined,
      );
    });
    // Its planted invalid GTIN, as the hub judged it: quarantined, and why.
    expect(demo.output()).toMatch(
      new RegExp(`${receipt} processed: \\d+ accepted, .*1 quarantined \\([^)]*GTIN_FORMAT`),
    );
    expect(demo.output()).not.toMatch(/refused a callback/);
  }, 90_000);

  it('holds the planted conflicts for an operator (KEY_CLAIMED, SERIAL_RECOMMISSIONED)', async () => {
    const planted = plantedMess(SEED);
    const conflicts = await eventually('both planted conflicts are open', 30_000, async () => {
      const open = await admin<{
        items: Array<{ code: string; kind: string; key: string; incoming: RecordItem }>;
      }>('GET', '/v1/admin/conflicts?status=open&limit=500');
      const codes = new Set(open.items.map((c) => c.code));
      return codes.has('KEY_CLAIMED') && codes.has('SERIAL_RECOMMISSIONED') ? open.items : undefined;
    });
    const claimed = conflicts.filter((c) => c.code === 'KEY_CLAIMED');
    expect(claimed.map((c) => c.key)).toEqual(planted.keyClaimed.map((k) => k.key));
    expect((claimed[0].incoming.data as { ownerTaxCode: string }).ownerTaxCode).toBe(
      planted.keyClaimed[0].claimantTaxCode,
    );
    const serial = conflicts.filter((c) => c.code === 'SERIAL_RECOMMISSIONED');
    expect(serial).toHaveLength(1);
    expect((serial[0].incoming.data as { epcList: string[] }).epcList).toEqual([
      planted.serialRecommissioned[0].sgtin,
    ]);
    expect(conflicts).toHaveLength(2);
  });

  it('quarantines exactly the planted invalid GTINs, with GTIN_FORMAT', async () => {
    const quarantined = await allRecords('status=quarantined');
    const expected = plantedMess(SEED).invalidGtins.flatMap((p) =>
      p.kinds.map((kind) => `${p.sourceKey} ${kind}`),
    );
    expect(quarantined.map((r) => `${r.source} ${r.kind}`).sort()).toEqual(expected.sort());
    for (const r of quarantined) {
      // The catalogue's fictional tax codes add TAX_CODE_CHECK_DIGIT warnings; what quarantines is GTIN_FORMAT.
      expect(r.findings.filter((f) => f.severity !== 'warning').map((f) => f.code)).toEqual(['GTIN_FORMAT']);
      const gtin = plantedMess(SEED).invalidGtins.find((p) => p.sourceKey === r.source)?.gtin ?? '?';
      expect(String(r.data.gtin)).toContain(gtin);
    }
  });

  it('counts retries and resends as duplicates, never as new records', async () => {
    const planted = plantedMess(SEED);
    // The simulator saw the hub answer each same-id retry as a replay.
    expect(demo.output()).toMatch(/can-tho-nong-san \d+\/\d+ accepted \(1 replayed\)/);
    expect(demo.output()).toMatch(/vinh-long-tra-vinh \d+\/\d+ accepted \(1 replayed\)/);
    for (const resend of planted.resentNewId) {
      const held = await allRecords(`sourceKey=${resend.sourceKey}`);
      const duplicates = await allRecords(`sourceKey=${resend.sourceKey}&status=duplicate`);
      expect(held.filter((r) => r.webhookId === resend.webhookId)).toEqual([]);
      const index = Number(resend.originalWebhookId.split('_').pop());
      const body = deliveryBody(resend.sourceKey, index);
      const mapped = await mappedCount(resend.sourceKey, body);
      expect(duplicates.filter((r) => r.webhookId === resend.webhookId)).toHaveLength(mapped);
    }
    for (const retry of planted.retriedSameId) {
      const index = Number(retry.webhookId.split('_').pop());
      const mapped = await mappedCount(retry.sourceKey, deliveryBody(retry.sourceKey, index));
      const held = await allRecords(`sourceKey=${retry.sourceKey}`);
      const duplicates = await allRecords(`sourceKey=${retry.sourceKey}&status=duplicate`);
      const judged = [...held, ...duplicates].filter((r) => r.webhookId === retry.webhookId);
      expect(judged).toHaveLength(mapped); // once, not twice
    }
  });

  it('keeps versions, legacy province codes and NFC text as docs/demo.md says', async () => {
    const planted = plantedMess(SEED);
    for (const update of planted.updates) {
      const record = await admin<{ version: number; versions: Array<{ version: number | null }> }>(
        'GET',
        `/v1/admin/records/${update.kind}/${encodeURIComponent(update.key)}`,
      );
      expect(record.version).toBe(update.version);
    }
    for (const legacy of planted.legacyProvinces) {
      const record = await eventually(`${legacy.key} arrived`, 30_000, () =>
        admin<{ data: { provinceCode: string; legacyProvinceCode?: string } }>(
          'GET',
          `/v1/admin/records/organization/${encodeURIComponent(legacy.key)}`,
        ),
      );
      expect([record.data.provinceCode, record.data.legacyProvinceCode]).toEqual([
        legacy.provinceCode,
        legacy.legacyProvinceCode,
      ]);
    }
    for (const nfd of planted.nfdText) {
      const record = await admin<{ data: { name: string } }>(
        'GET',
        `/v1/admin/records/organization/${encodeURIComponent(nfd.key)}`,
      );
      expect(record.data.name).toBe(nfd.name.normalize('NFC'));
    }
  });

  it('reconciliation reports the hub and the portal in agreement for every province', async () => {
    await eventually('nothing left to sync', 60_000, async () =>
      (await allRecords('status=ready')).length === 0 ? true : undefined,
    );
    for (const code of Object.keys(PROVINCES)) {
      const run = await eventually(`reconciliation of ${code} agrees`, 60_000, async () => {
        // 202 with the operation; the run is the comparison's latest once the operation has ended.
        const started = await admin<{ id: string; links: { reconciliation: string } }>(
          'POST',
          `/v1/admin/provinces/${code}/reconciliation`,
        );
        const ended = await eventually(`reconciliation ${started.id} ends`, 30_000, async () => {
          const op = await admin<{ state: string }>('GET', `/v1/admin/operations/${started.id}`);
          return ['done', 'failed', 'cancelled'].includes(op.state) ? op : undefined;
        });
        const view = await admin<{
          latest: { agreed: boolean | null; operationId: string; hub: { counts: Record<string, number> } };
        }>('GET', started.links.reconciliation);
        expect(view.latest.operationId).toBe(started.id);
        return ended.state === 'done' && view.latest.agreed ? view.latest : undefined;
      });
      expect(run.agreed).toBe(true);
      // Agreement on nothing proves nothing: the province's records must be there.
      expect(Object.values(run.hub.counts).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
      const latest = await admin<{ latest: { agreed: boolean } | null }>(
        'GET',
        `/v1/admin/provinces/${code}/reconciliation`,
      );
      expect(latest.latest?.agreed).toBe(true);
      const summary = await portalSummary(code);
      expect(summary.counts).toEqual(expect.objectContaining(run.hub.counts));
    }
  }, 120_000);

  it('stops every child on Ctrl-C and exits 0', async () => {
    expect(await demo.stop('SIGINT')).toBe(0);
    expect(demo.output()).toMatch(/demo: stopped/);
  }, 60_000);
});

const deliveryBody = (sourceKey: string, index: number): string => {
  const feed = feedFor(sourceKey, new Rng(SEED));
  let body = '';
  for (let i = 0; i <= index; i++) body = feed.next(i).body;
  return body;
};

async function mappedCount(sourceKey: string, body: string): Promise<number> {
  const def = parse(readFileSync(join(ROOT, 'config/sources', `${sourceKey}.yaml`), 'utf8')) as {
    format: never;
    mapping?: { language: 'jsonata'; expression: string };
  };
  const result = await previewMapping({ format: def.format, mapping: def.mapping, body: Buffer.from(body) });
  return result.records.length;
}
