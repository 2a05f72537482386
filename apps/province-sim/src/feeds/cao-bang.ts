import { CAO_BANG, type Company, type Item } from '../catalogue';
import { INVALID_GTINS, PLANTS } from '../plan';
import { type Rng } from '../rng';
import { addDays, type Delivery, simTime, vnDate, vnNumber, type WebhookFeed, yymm } from './feed';

const HEADER = [
  'MaSoThue',
  'TenDoanhNghiep',
  'MaGTIN',
  'TenSanPham',
  'KhoiLuong',
  'DonVi',
  'TieuChuan',
  'SoLo',
  'NgaySanXuat',
  'HanSuDung',
  'SoLuong',
  'DonViSoLuong',
];

/** A CSV field as Excel writes it with Vietnamese settings: quoted when it holds ; " or a line break. */
const field = (v: string): string => (/[;"\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/**
 * Cao Bằng's system exports CSV from Excel (config/sources/cao-bang-csv.yaml): ";" between fields,
 * "," as the decimal mark, UTF-8 with a BOM, CRLF; one row per lot with the company and product
 * repeated. One export is re-sent from a Mac, in Unicode NFD.
 */
export class CaoBangFeed implements WebhookFeed {
  readonly sourceKey = 'cao-bang-csv';
  private readonly bodies: string[] = [];
  private readonly lotSeq = new Map<string, number>();

  constructor(private readonly rng: Rng) {}

  next(index: number): Delivery {
    const p = PLANTS.caoBang;
    if (index === p.nfdResend) {
      return {
        index,
        contentType: 'text/csv; charset=utf-8',
        body: this.bodies[p.original].normalize('NFD'),
        summary: `re-export of #${p.original} from a Mac`,
        resendOf: { index: p.original, sameId: false },
        plant: `the CSV of #${p.original} again in Unicode NFD under a new webhook-id (every record a duplicate once normalised)`,
      };
    }
    const companies = [CAO_BANG.hatDe, CAO_BANG.mien, CAO_BANG.matOng];
    const c = companies[index % companies.length];
    const rows = c.items.flatMap((item) => this.rows(index, c, item, this.rng.int(1, 2)));
    let plant: string | undefined;
    if (index === p.invalidGtin) {
      const typo: Item = {
        ...c.items[0],
        gtin: INVALID_GTINS.caoBang,
        name: 'Mật ong hoa bạc hà chai 1 lít',
        net: { value: 1, unit: 'lít' },
      };
      rows.push(...this.rows(index, c, typo, 1));
      plant = `GTIN ${INVALID_GTINS.caoBang} typed with a wrong check digit (product and lot quarantined, GTIN_FORMAT)`;
    }
    const body = '\ufeff' + [HEADER, ...rows].map((r) => r.map(field).join(';')).join('\r\n') + '\r\n';
    this.bodies[index] = body;
    return {
      index,
      contentType: 'text/csv; charset=utf-8',
      body,
      summary: `${c.name}: ${rows.length} lot row(s)`,
      ...(plant ? { plant } : {}),
    };
  }

  private rows(index: number, c: Company, item: Item, count: number): string[][] {
    return Array.from({ length: count }, (_, k) => {
      const made = simTime(index, 7 + k * 30);
      const seq = (this.lotSeq.get(item.gtin) ?? 0) + 1;
      this.lotSeq.set(item.gtin, seq);
      return [
        c.taxCode,
        c.name,
        item.gtin,
        item.name,
        vnNumber(item.net.value),
        item.net.unit,
        item.standards?.[0] ?? '',
        `${item.lotPrefix}-${yymm(made)}${String(seq).padStart(3, '0')}`,
        vnDate(made),
        vnDate(addDays(made, item.shelfDays)),
        vnNumber(this.rng.int(2, 90) * 20),
        item.lotUnit,
      ];
    });
  }
}
