// Throughput of the national model: records validated + normalised + content-hashed per second,
// and Event Hash IDs per second, over a generated set of realistic provincial records.
// Run: see docs/national-model.md ("Benchmark").
import {
  computeEventHash,
  contentHash,
  normalizeRecord,
  type RecordKind,
  validateRecord,
  withCheckDigit,
} from '../../libs/national-model/src';

interface Sample {
  kind: RecordKind;
  data: Record<string, unknown>;
}

const NAMES = [
  'Gạo ST25',
  'Cà phê Robusta Đắk Lắk',
  'Xoài cát Hòa Lộc',
  'Nước mắm Phú Quốc',
  'Tôm sú Cà Mau',
  'Thanh long Bình Thuận',
];
const UNITS = ['kg', 'Kg', 'gam', 'lít', 'hộp', 'thùng', 'KGM', 'tạ'];
const BIZ_STEPS = ['commissioning', 'shipping', 'receiving', 'packing', 'inspecting'];

function gtinFor(i: number): string {
  return withCheckDigit(`893504${String(i % 1_000_000).padStart(6, '0')}`);
}

function generate(count: number): Sample[] {
  const out: Sample[] = [];
  for (let i = 0; i < count; i++) {
    const gtin = gtinFor(i);
    const name = NAMES[i % NAMES.length];
    switch (i % 5) {
      case 0:
        out.push({
          kind: 'organization',
          data: {
            taxCode: `03${String(10_000_000 + i).slice(-8)}`,
            name: `HTX ${name}`.normalize(i % 2 ? 'NFD' : 'NFC'),
            provinceCode: i % 3 ? '92' : '94',
          },
        });
        break;
      case 1:
        out.push({
          kind: 'location',
          data: {
            gln: withCheckDigit(`893504${String(i).padStart(6, '0')}`),
            name: `Vùng trồng ${i}`,
            type: 'growing-area',
            provinceCode: '86',
            ownerTaxCode: '0301234567',
          },
        });
        break;
      case 2:
        out.push({
          kind: 'product',
          data: {
            gtin,
            name,
            ownerTaxCode: '0301234567',
            netContent: { value: String(1 + (i % 20)), uom: UNITS[i % UNITS.length] },
            standards: ['VietGAP'],
          },
        });
        break;
      case 3:
        out.push({
          kind: 'lot',
          data: {
            gtin,
            lot: `L${i}`,
            productionDate: '2025-07-01',
            expiryDate: '2026-07-01',
            quantity: { value: 100, uom: 'kg' },
            producerTaxCode: '0301234567',
          },
        });
        break;
      default:
        out.push({ kind: 'event', data: eventFor(i, gtin) });
    }
  }
  return out;
}

function eventFor(i: number, gtin: string): Record<string, unknown> {
  return {
    type: 'ObjectEvent',
    eventTime: new Date(Date.UTC(2025, 6, 1, 0, 0, i % 86_400)).toISOString().replace('Z', '+00:00'),
    epcList: [
      `https://id.gs1.org/01/${gtin}/21/${i}`,
      `urn:epc:id:sgtin:8935049.0${String(i % 100000).padStart(5, '0')}.${i + 1}`,
    ],
    action: 'ADD',
    bizStep: BIZ_STEPS[i % BIZ_STEPS.length],
    disposition: 'active',
    readPoint: { id: 'https://id.gs1.org/414/8935049000006' },
    bizTransactionList: [{ type: 'po', bizTransaction: `urn:epcglobal:cbv:bt:8935049000006:PO${i}` }],
  };
}

function rate(count: number, ms: number): string {
  return `${Math.round((count / ms) * 1000).toLocaleString('en-US')}/s`;
}

export function main(count = 50_000): void {
  const samples = generate(count);
  const now = new Date('2025-08-01T00:00:00Z');
  let findings = 0;
  const t0 = performance.now();
  for (const s of samples) {
    const n = normalizeRecord(s.kind, s.data, { defaultOffset: '+07:00' });
    findings += validateRecord(s.kind, n.data, { now }).length;
    contentHash(n.data);
  }
  const t1 = performance.now();
  const events = samples
    .filter((s) => s.kind === 'event')
    .map((s) => ({ ...s.data, eventTimeZoneOffset: '+07:00' }));
  const t2 = performance.now();
  for (const e of events) computeEventHash(e);
  const t3 = performance.now();
  console.log(
    `records validated + normalised + hashed: ${count} in ${(t1 - t0).toFixed(0)} ms = ${rate(count, t1 - t0)} (${findings} findings)`,
  );
  console.log(
    `event hash IDs: ${events.length} in ${(t3 - t2).toFixed(0)} ms = ${rate(events.length, t3 - t2)}`,
  );
}

if (require.main === module) main(Number(process.argv[2] ?? 50_000));
