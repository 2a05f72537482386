import { type Company, TAY_NINH } from '../catalogue';
import { type Rng } from '../rng';
import { addDays, isoDate, rfc3339, simTime, vnNumber, yymm } from './feed';

/** One record of Tây Ninh's REST API (config/sources/tay-ninh-long-an.yaml). */
export interface TayNinhItem {
  id: string;
  type: 'lot';
  updatedAt: string;
  company: { taxCode: string; name: string; province: string; address: string };
  product: { gtin: string; name: string; netWeight: string; brand?: string };
  batch: { code: string; mfgDate: string; expDate: string; qty: string; unit: string };
}

/**
 * Tây Ninh's records: lots with their company and product inlined. Companies registered before the
 * 2025 merger (former Tây Ninh, 72) still carry 72, Long An's carry 80; ids say which system
 * (TN-, LA-) made them. Append-only, as the API serves them.
 */
export class TayNinhRecords {
  readonly items: TayNinhItem[] = [];
  private readonly lotSeq = new Map<string, number>();
  private readonly companies: Company[] = Object.values(TAY_NINH);

  constructor(private readonly rng: Rng) {}

  add(): TayNinhItem {
    const n = this.items.length;
    const c = this.companies[n % this.companies.length];
    const item = c.items[0];
    const made = simTime(n, 53);
    const seq = (this.lotSeq.get(item.gtin) ?? 0) + 1;
    this.lotSeq.set(item.gtin, seq);
    const record: TayNinhItem = {
      id: `${c.provinceCode === '72' ? 'TN' : 'LA'}-${made.getUTCFullYear()}-${String(n + 1).padStart(6, '0')}`,
      type: 'lot',
      updatedAt: rfc3339(made),
      company: { taxCode: c.taxCode, name: c.name, province: c.provinceCode, address: c.address },
      product: {
        gtin: item.gtin,
        name: item.name,
        netWeight: `${vnNumber(item.net.value)} ${item.net.unit}`,
        ...(item.brand ? { brand: item.brand } : {}),
      },
      batch: {
        code: `${item.lotPrefix}-${yymm(made)}-${String(seq).padStart(2, '0')}`,
        mfgDate: isoDate(made),
        expDate: isoDate(addDays(made, item.shelfDays)),
        qty: vnNumber(this.rng.int(5, 300) * 10),
        unit: item.lotUnit,
      },
    };
    this.items.push(record);
    return record;
  }
}
