import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { previewMapping } from '@txng/mapping';
import { parse } from 'yaml';
import { prefixRegistry } from './catalogue';
import { type Delivery } from './feeds/feed';
import { TayNinhRecords } from './feeds/tay-ninh';
import { INVALID_GTINS, LAST_PLANTED_INDEX, plantedMess } from './plan';
import { WEBHOOK_SOURCES } from '@txng/simulators';
import { feedFor } from './province-sim';
import { Rng } from './rng';

const ROOT = join(__dirname, '..', '..', '..');
const definition = (key: string): { format: string; mapping?: { language: 'jsonata'; expression: string } } =>
  parse(readFileSync(join(ROOT, 'config/sources', `${key}.yaml`), 'utf8')) as {
    format: string;
    mapping?: { language: 'jsonata'; expression: string };
  };

async function preview(key: string, body: string) {
  const def = definition(key);
  return previewMapping({
    format: def.format as never,
    mapping: def.mapping,
    body: Buffer.from(body, 'utf8'),
  });
}

/**
 * Findings that quarantine. The catalogue's tax codes are fictional and fail the tax code check
 * digit: every record naming one carries a TAX_CODE_CHECK_DIGIT warning, which is not a plant.
 */
const blocking = (f: { severity?: string }): boolean => f.severity !== 'warning';

const deliveries = (key: string, count: number, seed = 7): Delivery[] => {
  const feed = feedFor(key, new Rng(seed));
  return Array.from({ length: count }, (_, i) => feed.next(i));
};

describe('province simulators: every body maps cleanly through its source definition', () => {
  it.each(WEBHOOK_SOURCES.map((k) => [k]))('%s: only the planted records have findings', async (key) => {
    const bad: string[] = [];
    let records = 0;
    for (const d of deliveries(key, 24)) {
      const result = await preview(key, d.body);
      expect(result.findings).toEqual([]);
      records += result.records.length;
      for (const r of result.records)
        for (const f of r.findings.filter(blocking))
          bad.push(`#${d.index} ${r.kind} ${r.key}: ${f.code} ${f.message}`);
    }
    expect(records).toBeGreaterThan(24);
    const planted = plantedMess(7).invalidGtins.filter((p) => p.sourceKey === key);
    const expected = planted.flatMap((p) => p.kinds.map(() => 'GTIN_FORMAT'));
    expect(bad.map((b) => b.split(': ')[1].split(' ')[0])).toEqual(expected);
    for (const p of planted) expect(bad.every((b) => b.includes(p.gtin.slice(0, 12)))).toBe(true);
  });

  it('tay-ninh-long-an: pages of the records API map cleanly, with legacy code 72 crosswalked', async () => {
    const records = new TayNinhRecords(new Rng(7));
    for (let i = 0; i < 30; i++) records.add();
    const result = await preview(
      'tay-ninh-long-an',
      JSON.stringify({ data: records.items.slice(0, 20), next: 'x' }),
    );
    expect(result.findings).toEqual([]);
    expect(result.records.flatMap((r) => r.findings.filter(blocking))).toEqual([]);
    const orgs = result.records
      .filter((r) => r.kind === 'organization')
      .map((r) => r.data as Record<string, string>);
    expect(orgs).toHaveLength(4);
    expect(orgs.filter((o) => o.legacyProvinceCode === '72').map((o) => o.provinceCode)).toEqual([
      '80',
      '80',
    ]);
  });

  it('plants everything in the first deliveries, deterministically by seed', () => {
    for (const key of WEBHOOK_SOURCES) {
      const a = deliveries(key, LAST_PLANTED_INDEX + 3, 11).map((d) => d.body);
      const b = deliveries(key, LAST_PLANTED_INDEX + 3, 11).map((d) => d.body);
      const c = deliveries(key, LAST_PLANTED_INDEX + 3, 12).map((d) => d.body);
      expect(a).toEqual(b);
      expect(a).not.toEqual(c);
    }
    const plants = WEBHOOK_SOURCES.flatMap((k) =>
      deliveries(k, LAST_PLANTED_INDEX + 1).filter((d) => d.plant),
    );
    expect(plants.length).toBe(10); // Cần Thơ 4, Vĩnh Long 2, Cà Mau 2, Cao Bằng 2
  });

  it('the same-id and new-id resends carry exactly the original body; the NFD one differs only in form', () => {
    const ct = deliveries('can-tho-nong-san', 8);
    expect(ct[4].body).toBe(ct[3].body);
    expect(ct[5].body).toBe(ct[3].body);
    const cb = deliveries('cao-bang-csv', 4);
    expect(cb[3].body).not.toBe(cb[0].body);
    expect(cb[3].body.normalize('NFC')).toBe(cb[0].body);
    expect(INVALID_GTINS.caoBang).toMatch(/^893\d{10}$/);
  });

  it('the sixth-province example (config/examples) maps its sample without findings', async () => {
    const def = parse(readFileSync(join(ROOT, 'config/examples/sixth-province.yaml'), 'utf8'));
    const result = await previewMapping({
      format: def.format,
      mapping: def.mapping,
      body: readFileSync(join(ROOT, 'config/examples/sixth-province.sample.json')),
    });
    expect(result.findings).toEqual([]);
    expect(result.records.map((r) => [r.kind, r.key, r.findings.filter(blocking)])).toEqual([
      ['organization', 'org:6000123456', []],
      ['product', 'gtin:08938950000011', []],
      ['product', 'gtin:08938950000028', []],
      ['lot', 'lot:08938950000011/RB-2511-01', []],
      ['lot', 'lot:08938950000028/RX-2511-03', []],
    ]);
  });

  it('the committed demo prefix registry is the catalogue’s', () => {
    const committed = JSON.parse(
      readFileSync(join(ROOT, 'config/examples/demo/prefix-registry.json'), 'utf8'),
    );
    expect(committed).toEqual(prefixRegistry());
  });
});
