import request from 'supertest';
import { normalizeRecord, recordKey } from '@txng/national-model';
import { type Client } from 'pg';
import { type RunningPortalSim } from '../../apps/portal-sim/src/create-portal-sim';
import { admin, createActiveSource } from '../support/admin-client';
import { eventually, simAdmin, startSim, startSyncHub, type SyncHub } from '../support/sync-harness';
import { gtin13, passThroughSource, sendWebhook } from '../support/webhook-sources';

const passThrough = (key: string, provinceCode: string) =>
  passThroughSource(key, provinceCode, `Nguồn đồng bộ ${key}`);
const product = (item: string, name: string) => ({
  gtin: gtin13(`8935049${item.padStart(5, '0')}`),
  name,
  ownerTaxCode: '0301234567',
  netContent: { value: 5, uom: 'KGM' },
});
const organization = (n: number, name = `Hợp tác xã Đồng bộ ${n}`) => ({
  taxCode: `03${String(700 + n).padStart(8, '0')}`,
  name,
  provinceCode: '92',
});
const keyOf = (kind: 'product' | 'organization', data: unknown) =>
  recordKey(kind, normalizeRecord(kind, data).data)!;
/** What the hub will send for a record: the national-model normal form. */
const normal = (kind: 'product' | 'organization', data: unknown) => normalizeRecord(kind, data).data;

describe('portal sync: ready versions reach the portal simulator (real PostgreSQL, Redis, HTTP)', () => {
  let sim: RunningPortalSim;
  let hub: SyncHub;
  let db: Client;
  let secret: string;
  let sims: ReturnType<typeof simAdmin>;

  async function send(envelope: unknown): Promise<void> {
    await sendWebhook(hub.url, 'sync-a', secret, envelope);
  }
  const versions = async (kind: string, key: string) =>
    (
      await db.query<{
        version: number;
        status: string;
        portal_version: number | null;
        portal_id: string | null;
        sync_target: string | null;
        sync_error: { code?: string } | null;
        findings: Array<{ code: string }>;
        id: string;
      }>(
        `SELECT id, version, status, portal_version, portal_id, sync_target, sync_error, findings
           FROM record_version WHERE kind = $1 AND key = $2 ORDER BY version`,
        [kind, key],
      )
    ).rows;
  const history = async (id: string) =>
    (
      await db.query<{ status: string; reason: string }>(
        'SELECT status, reason FROM record_status_history WHERE record_version_id = $1 ORDER BY id',
        [id],
      )
    ).rows;
  const settled = async (kind: string, key: string, n: number) =>
    eventually(
      async () => {
        const v = await versions(kind, key);
        return v.length === n && v.every((x) => x.status !== 'ready') ? v : null;
      },
      20_000,
      `${key} settled`,
    );

  beforeAll(async () => {
    sim = await startSim();
    sims = simAdmin(sim);
    hub = await startSyncHub(sim);
    secret = await createActiveSource(hub.url, passThrough('sync-a', '92'));
    db = await hub.db();
  });
  afterAll(async () => {
    await hub?.close();
    await sim?.close();
  });

  it('syncs a webhook’s records with portal ids, then updates as portal versions 2 and 3 in order', async () => {
    const p1 = product('1', 'Gạo ST25 túi 5 kg');
    const p2 = product('2', 'Gạo thơm túi 2 kg');
    const o1 = organization(1);
    await send({ products: [p1, p2], organizations: [o1] });

    const k1 = keyOf('product', p1);
    for (const [kind, data] of [
      ['product', p1],
      ['product', p2],
      ['organization', o1],
    ] as const) {
      const key = keyOf(kind, data);
      const [v] = await settled(kind, key, 1);
      const held = sims.record(kind, key);
      expect(held?.version).toBe(1);
      expect(v).toMatchObject({ status: 'synced', portal_version: 1, sync_target: 'production' });
      expect(v.portal_id).toBe(held?.portalId);
      expect((await history(v.id)).map((h) => h.status)).toEqual(['received', 'ready', 'synced']);
    }

    // Two changes of p1 in one receipt: versions 2 and 3, sent one per batch, in order.
    await send({
      products: [
        { ...p1, name: 'Gạo ST25 túi 5 kg (mới)' },
        { ...p1, name: 'Gạo ST25 túi 5 kg (bản 3)' },
      ],
    });
    const all = await settled('product', k1, 3);
    expect(all.map((v) => [v.version, v.status, v.portal_version])).toEqual([
      [1, 'synced', 1],
      [2, 'synced', 2],
      [3, 'synced', 3],
    ]);
    expect(sims.record('product', k1)).toMatchObject({ version: 3 });
    expect((sims.record('product', k1)?.data as { name: string }).name).toBe('Gạo ST25 túi 5 kg (bản 3)');
    const rec = (
      await db.query(
        'SELECT status, synced_version, portal_version, portal_id FROM record WHERE kind = $1 AND key = $2',
        ['product', k1],
      )
    ).rows[0];
    expect(rec).toMatchObject({ status: 'synced', synced_version: 3, portal_version: 3 });
    expect(rec.portal_id).toBe(all[0].portal_id);

    const stats = await sims.stats();
    expect(stats.results.accepted).toBe(5);
    expect(stats.results.rejected ?? 0).toBe(0);

    const metrics = await request(hub.url).get('/metrics').expect(200);
    expect(metrics.text).toMatch(/txng_sync_records_total\{[^}]*result="accepted"[^}]*\} 5/);
    expect(metrics.text).toMatch(/txng_portal_breaker_state\{[^}]*target="production"[^}]*\} 0/);
    expect(metrics.text).toMatch(/txng_sync_ready_backlog\{[^}]*\} 0/);
  });

  it('duplicate: the portal already holds the same content at that version → synced with its portal id', async () => {
    const o = organization(2);
    const key = keyOf('organization', o);
    const planted = await sims.putRecord('organization', key, {
      version: 1,
      data: normal('organization', o),
      provinceCode: '92',
    });
    await send({ organizations: [o] });
    const [v] = await settled('organization', key, 1);
    expect(v).toMatchObject({ status: 'synced', portal_version: 1, portal_id: planted.portalId });
    expect((await history(v.id)).at(-1)?.reason).toMatch(/duplicate/);
  });

  it('stale with other content: adopts the portal’s version, resends as the next one, asks for a reconciliation', async () => {
    const o = organization(3);
    const key = keyOf('organization', o);
    await sims.putRecord('organization', key, {
      version: 3,
      data: normal('organization', organization(3, 'Tên cũ ở Cổng')),
      provinceCode: '92',
    });
    await send({ organizations: [o] });
    const [v] = await settled('organization', key, 1);
    expect(v).toMatchObject({ status: 'synced', portal_version: 4 });
    expect(sims.record('organization', key)).toMatchObject({ version: 4 });
    expect((sims.record('organization', key)?.data as { name: string }).name).toBe(o.name);
    const reasons = (await history(v.id)).map((h) => `${h.status}: ${h.reason}`);
    expect(reasons).toEqual([
      expect.stringMatching(/^received/),
      expect.stringMatching(/^ready/),
      expect.stringMatching(/^ready: sync: stale, the production portal holds version 3 .* resending as 4/),
      expect.stringMatching(/^synced/),
    ]);
    const runs = await eventually(async () => {
      const r = await db.query(`SELECT trigger FROM reconciliation_run WHERE province_code = '92'`);
      return r.rows.length > 0 ? r.rows : null;
    });
    expect(runs[0].trigger).toBe('sync');
  });

  it('stale with the same content: synced at the portal’s version, nothing resent', async () => {
    const o = organization(4);
    const key = keyOf('organization', o);
    await sims.putRecord('organization', key, {
      version: 2,
      data: normal('organization', o),
      provinceCode: '92',
    });
    await send({ organizations: [o] });
    const [v] = await settled('organization', key, 1);
    expect(v).toMatchObject({ status: 'synced', portal_version: 2 });
    expect(sims.record('organization', key)).toMatchObject({ version: 2 });
  });

  it('rejected: kept with the portal’s code as a finding, never resent; a later version still goes (as portal version 1)', async () => {
    const o = organization(5);
    const key = keyOf('organization', o);
    await sims.faults({ rejectKeys: { [key]: 'INVALID_RECORD' } });
    await send({ organizations: [o] });
    const [v] = await settled('organization', key, 1);
    expect(v.status).toBe('rejected');
    expect(v.sync_error).toMatchObject({ code: 'INVALID_RECORD' });
    expect(v.findings.map((f) => f.code)).toContain('INVALID_RECORD');
    expect((await history(v.id)).at(-1)).toMatchObject({ status: 'rejected' });
    expect(sims.record('organization', key)).toBeUndefined();

    await sims.faults({ rejectKeys: {} });
    await send({ organizations: [{ ...o, name: `${o.name} (sửa)` }] });
    const both = await settled('organization', key, 2);
    expect(both.map((x) => [x.version, x.status, x.portal_version])).toEqual([
      [1, 'rejected', 1],
      [2, 'synced', 1],
    ]);
    // Rejected versions stay where operators see them, untouched by later sync rounds.
    const detail = await admin(hub.url)
      .get(`/v1/admin/records/organization/${encodeURIComponent(key)}`)
      .expect(200);
    expect(JSON.stringify(detail.body)).toContain('INVALID_RECORD');
  });

  it('VERSION_GAP (same version, other content at the portal) is rejected with that code', async () => {
    const o = organization(6);
    const key = keyOf('organization', o);
    await sims.putRecord('organization', key, {
      version: 1,
      data: normal('organization', organization(6, 'Nội dung khác')),
      provinceCode: '92',
    });
    await send({ organizations: [o] });
    const [v] = await settled('organization', key, 1);
    expect(v).toMatchObject({ status: 'rejected', sync_error: { code: 'VERSION_GAP' } });
    expect(v.findings.map((f) => f.code)).toContain('VERSION_GAP');
  });

  it('a testing source with no sandbox portal configured: its versions stay ready, with one history row saying why', async () => {
    const created = await admin(hub.url)
      .post('/v1/admin/sources', passThrough('sync-test', '92'))
      .expect(201);
    await admin(hub.url).post('/v1/admin/sources/sync-test/start-testing').expect(200);
    const o = organization(7);
    const key = keyOf('organization', o);
    await sendWebhook(hub.url, 'sync-test', created.body.webhookSecret as string, { organizations: [o] });
    const [v] = await eventually(async () => {
      const rows = await versions('organization', key);
      return rows[0]?.sync_error ? rows : null;
    });
    expect(v).toMatchObject({ status: 'ready', sync_error: { code: 'NO_PORTAL' }, portal_version: null });
    await new Promise((resolve) => setTimeout(resolve, 400));
    const notes = (await history(v.id)).filter((h) => /no sandbox portal/.test(h.reason));
    expect(notes).toHaveLength(1);
    expect(sims.record('organization', key)).toBeUndefined();
  });

  it('keeps no batch pending and no version claimed once everything settled', async () => {
    const pending = await db.query(`SELECT count(*)::int AS n FROM sync_batch WHERE status = 'pending'`);
    expect(pending.rows[0].n).toBe(0);
    const claimed = await db.query(
      `SELECT count(*)::int AS n FROM record_version WHERE status = 'ready' AND sync_batch_id IS NOT NULL`,
    );
    expect(claimed.rows[0].n).toBe(0);
  });
});
