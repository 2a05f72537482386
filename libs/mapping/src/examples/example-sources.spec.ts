import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { isSourceFormat } from '../parsing/parse-payload';
import { type PreviewResult, previewMapping } from '../preview/preview-mapping';

/**
 * The five example provincial sources (config/sources/*.yaml) previewed on their golden samples
 * (test/fixtures/provinces/<key>/). Regenerate the golden files after an intended change with
 * UPDATE_GOLDEN=1 and review the diff.
 */
const ROOT = join(__dirname, '../../../..');
const NOW = new Date('2026-04-01T00:00:00+07:00');

interface SourceDefinition {
  key: string;
  provinceCode: string;
  name: string;
  kind: 'webhook' | 'poll';
  format: string;
  mapping?: { language: 'jsonata'; expression: string };
  poll?: { url: string; auth: Record<string, string>; pagination: Record<string, string>; itemsPath: string };
}

function loadSource(key: string): SourceDefinition {
  return parse(readFileSync(join(ROOT, 'config/sources', `${key}.yaml`), 'utf8')) as SourceDefinition;
}

function samplesOf(key: string): string[] {
  return readdirSync(join(ROOT, 'test/fixtures/provinces', key))
    .filter((f) => !f.endsWith('.expected.json'))
    .sort();
}

async function preview(key: string, sample: string): Promise<PreviewResult> {
  const source = loadSource(key);
  if (!isSourceFormat(source.format)) throw new Error(`bad format in ${key}`);
  return previewMapping({
    format: source.format,
    mapping: source.mapping,
    body: readFileSync(join(ROOT, 'test/fixtures/provinces', key, sample)),
    now: NOW,
  });
}

/**
 * `code` of the findings that quarantine, by record key, to assert the planted problems one by
 * one (the samples' fictional tax codes also carry TAX_CODE_CHECK_DIGIT warnings; the golden
 * files show them).
 */
function findingsByKey(result: PreviewResult): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const r of result.records) {
    const blocking = r.findings.filter((f) => f.severity !== 'warning');
    if (blocking.length > 0) out[r.key ?? '(no key)'] = blocking.map((f) => f.code);
  }
  return out;
}

const KEYS = ['can-tho-nong-san', 'tay-ninh-long-an', 'vinh-long-tra-vinh', 'ca-mau-tom', 'cao-bang-csv'];

describe('example provincial sources', () => {
  it('defines the five sources as operator API bodies', () => {
    const files = readdirSync(join(ROOT, 'config/sources')).filter((f) => f.endsWith('.yaml'));
    expect(files.sort()).toEqual(KEYS.map((k) => `${k}.yaml`).sort());
    const codes = Object.fromEntries(KEYS.map((k) => [k, loadSource(k).provinceCode]));
    expect(codes).toEqual({
      'can-tho-nong-san': '92',
      'tay-ninh-long-an': '80',
      'vinh-long-tra-vinh': '86',
      'ca-mau-tom': '96',
      'cao-bang-csv': '04',
    });
    for (const k of KEYS) {
      const s = loadSource(k);
      expect(s.key).toBe(k);
      expect(isSourceFormat(s.format)).toBe(true);
      expect(s.format === 'epcis-json' || s.mapping?.language === 'jsonata').toBe(true);
    }
    const poll = loadSource('tay-ninh-long-an').poll!;
    expect(poll.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    expect(poll.auth.value).toBe('${TAY_NINH_API_KEY}');
    expect(poll.pagination).toEqual({ type: 'cursor', param: 'cursor', nextCursorPath: 'next' });
  });

  for (const key of KEYS) {
    for (const sample of samplesOf(key)) {
      it(`${key}/${sample} previews to its golden records`, async () => {
        const result = await preview(key, sample);
        const golden = join(
          ROOT,
          'test/fixtures/provinces',
          key,
          sample.replace(/\.[^.]+$/, '.expected.json'),
        );
        if (process.env.UPDATE_GOLDEN === '1') writeFileSync(golden, `${JSON.stringify(result, null, 2)}\n`);
        expect(result.findings).toEqual([]);
        expect(JSON.parse(JSON.stringify(result))).toEqual(JSON.parse(readFileSync(golden, 'utf8')));
      });
    }
  }

  it('can-tho-nong-san: NFD name made NFC, legacy Hậu Giang code kept, planted GTIN and date problems found', async () => {
    const r = await preview('can-tho-nong-san', 'sample-1.json');
    expect(findingsByKey(r)).toEqual({
      'gtin:8936012000024': ['GTIN_FORMAT'],
      'lot:08936012000030/ST25-2603-02': ['DATE_ORDER'],
    });
    const buoi = r.records.find((x) => x.key === 'gtin:8936012000024')!.data as { name: string };
    expect(buoi.name).toBe('Bưởi Năm Roi Phú Hữu'.normalize('NFC'));
    expect(buoi.name).not.toBe('Bưởi Năm Roi Phú Hữu'.normalize('NFD'));
    const garden = r.records.find((x) => x.key === 'gln:8936012000115')!.data;
    expect(garden).toMatchObject({ provinceCode: '92', legacyProvinceCode: '93' });
    const lot = r.records.find((x) => x.key === 'lot:08936012000016/ST25-2603-01')!.data;
    expect(lot).toMatchObject({ productionDate: '2026-03-12', quantity: { value: 1200, uom: 'KGM' } });
  });

  it('tay-ninh-long-an: former Tây Ninh 72 becomes 80 with legacyProvinceCode, Long An 80 stays current', async () => {
    const p1 = await preview('tay-ninh-long-an', 'page-1.json');
    expect(p1.records.filter((x) => x.kind === 'organization').map((x) => x.data)).toEqual([
      expect.objectContaining({ taxCode: '3901234567', provinceCode: '80', legacyProvinceCode: '72' }),
      expect.not.objectContaining({ legacyProvinceCode: expect.anything() }),
    ]);
    expect(p1.records.filter((x) => x.kind === 'product')).toHaveLength(2); // repeated product taken once
    expect(findingsByKey(p1)).toEqual({ 'lot:08936045000021/TL-0319': ['UOM_UNKNOWN'] });
    const p2 = await preview('tay-ninh-long-an', 'page-2.json');
    expect(findingsByKey(p2)).toEqual({
      'org:390123456': ['TAX_CODE_FORMAT'],
      'gtin:08936045000038': ['TAX_CODE_FORMAT'],
      'lot:08936045000038/MT-2603': ['TAX_CODE_FORMAT'],
    });
  });

  it('vinh-long-tra-vinh: XML attributes and text, leading-zero lot, Trà Vinh 84 → 86, planted GLN and unit problems', async () => {
    const r = await preview('vinh-long-tra-vinh', 'sample-1.xml');
    expect(findingsByKey(r)).toEqual({
      'gln:8936078000112': ['GLN_FORMAT'],
      'lot:08936078000029/SD-0321': ['UOM_UNKNOWN'],
    });
    expect(r.records.find((x) => x.kind === 'organization')!.data).toMatchObject({
      provinceCode: '86',
      legacyProvinceCode: '84',
    });
    expect(r.records.some((x) => x.key === 'lot:08936078000012/007')).toBe(true);
  });

  it('ca-mau-tom: EPCIS events taken as they are, planted SSCC and bizStep problems found', async () => {
    const r = await preview('ca-mau-tom', 'sample-1.jsonld');
    expect(r.records.map((x) => x.kind)).toEqual(['event', 'event', 'event', 'event']);
    expect(r.records.map((x) => (x.data as { type: string }).type)).toEqual([
      'ObjectEvent',
      'TransformationEvent',
      'ObjectEvent',
      'ObjectEvent',
    ]);
    const planted = Object.values(findingsByKey(r));
    expect(planted).toEqual([['SSCC_FORMAT'], ['EVENT_SHAPE']]);
    expect(r.records[3].data).toMatchObject({ eventTimeZoneOffset: '+07:00' }); // defaulted
  });

  it('cao-bang-csv: ";" delimiter, BOM, quoted fields with ";" and newlines, planted date and unit problems', async () => {
    const r = await preview('cao-bang-csv', 'sample-1.csv');
    expect(findingsByKey(r)).toEqual({
      'lot:08936111000016/HD-2604': ['DATE_ORDER'],
      'lot:08936111000030/MD-0311': ['UOM_UNKNOWN'],
    });
    expect(
      r.records.filter((x) => x.kind === 'organization').map((x) => (x.data as { name: string }).name),
    ).toEqual(['Hợp tác xã Hạt dẻ Trùng Khánh', 'Công ty CP Miến dong Phia Đén; Nguyên Bình']);
    expect(r.records.find((x) => x.key === 'gtin:08936111000023')!.data).toMatchObject({
      netContent: { value: 0.4, uom: 'KGM' },
    });
  });
});
