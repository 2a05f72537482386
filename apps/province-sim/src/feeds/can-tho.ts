import { CAN_THO, type Company, type Item, RETAIL } from '../catalogue';
import { INVALID_GTINS, PLANTS } from '../plan';
import { type Rng } from '../rng';
import {
  addDays,
  addMinutes,
  type Delivery,
  simTime,
  vnDate,
  vnDateTime,
  vnNumber,
  type WebhookFeed,
  yymm,
} from './feed';

/**
 * Cần Thơ's agricultural traceability system (config/sources/can-tho-nong-san.yaml): JSON with
 * Vietnamese field names, one company per delivery; master data (growing areas, products) only
 * when it is new or changed, lots and their events in every delivery.
 */
export class CanThoFeed implements WebhookFeed {
  readonly sourceKey = 'can-tho-nong-san';
  private readonly lotSeq = new Map<string, number>();
  private readonly bodies: string[] = [];
  /** Product content as the system currently holds it (changed once: the planted update). */
  private readonly products = new Map<string, Item>();

  constructor(private readonly rng: Rng) {
    for (const c of Object.values(CAN_THO)) for (const i of c.items) this.products.set(i.gtin, { ...i });
  }

  next(index: number): Delivery {
    const p = PLANTS.canTho;
    const base = { index, contentType: 'application/json' };
    if (index === p.retrySameId || index === p.retryNewId) {
      return {
        ...base,
        body: this.bodies[p.original],
        summary: `resend of #${p.original}`,
        resendOf: { index: p.original, sameId: index === p.retrySameId },
        plant:
          index === p.retrySameId
            ? `retry of #${p.original} with the same webhook-id (the hub answers with the first receipt, stores nothing)`
            : `the body of #${p.original} again under a new webhook-id (every record a duplicate)`,
      };
    }
    let delivery: Delivery;
    if (index === p.xoaiOwner)
      delivery = { ...this.withMaster(index, CAN_THO.xoai), milestone: 'xoai-owner' };
    else if (index === 1) delivery = this.withMaster(index, CAN_THO.gao);
    else if (index === 2) delivery = this.withMaster(index, CAN_THO.buoi);
    else if (index === p.invalidGtin) delivery = this.invalidGtin(index);
    else if (index === p.update) delivery = this.update(index);
    else delivery = this.routine(index, [CAN_THO.gao, CAN_THO.buoi, CAN_THO.xoai][index % 3]);
    this.bodies[index] = delivery.body;
    return delivery;
  }

  private company(c: Company): Record<string, unknown> {
    return {
      maSoThue: c.taxCode,
      ten: c.name,
      maTinh: c.provinceCode,
      maGLN: c.gln,
      diaChi: c.address,
      dienThoai: c.phone,
    };
  }

  private product(i: Item): Record<string, unknown> {
    return {
      maGTIN: i.gtin,
      tenSanPham: i.name,
      khoiLuong: `${vnNumber(i.net.value)} ${i.net.unit}`,
      ...(i.standards ? { tieuChuan: i.standards } : {}),
      ...(i.images ? { anh: i.images } : {}),
    };
  }

  private withMaster(index: number, c: Company): Delivery {
    const chain = this.chain(index, c);
    const body = {
      doanhNghiep: this.company(c),
      vungTrong: c.sites
        .filter((s) => s.type === 'growing-area')
        .map((s) => ({ maGLN: s.gln, ten: s.name, maVungTrong: s.growingAreaCode, maTinh: s.provinceCode })),
      sanPham: c.items.map((i) => this.product(this.products.get(i.gtin) ?? i)),
      ...chain.parts,
    };
    return {
      index,
      contentType: 'application/json',
      body: JSON.stringify(body, null, 2),
      summary: `${c.name}: company, sites, ${c.items.length} product(s), lot ${chain.lot}`,
    };
  }

  private routine(index: number, c: Company): Delivery {
    const chain = this.chain(index, c);
    return {
      index,
      contentType: 'application/json',
      body: JSON.stringify({ doanhNghiep: this.company(c), ...chain.parts }, null, 2),
      summary: `${c.name}: lot ${chain.lot}, ${chain.events} events`,
    };
  }

  private invalidGtin(index: number): Delivery {
    const c = CAN_THO.buoi;
    const body = {
      doanhNghiep: this.company(c),
      sanPham: [
        {
          maGTIN: INVALID_GTINS.canTho,
          tenSanPham: 'Bưởi Năm Roi hộp quà 2 trái',
          khoiLuong: '3 kg',
          tieuChuan: ['VietGAP'],
        },
      ],
    };
    return {
      index,
      contentType: 'application/json',
      body: JSON.stringify(body, null, 2),
      summary: `${c.name}: a new product`,
      plant: `product GTIN ${INVALID_GTINS.canTho} typed with a wrong check digit (quarantined, GTIN_FORMAT)`,
    };
  }

  private update(index: number): Delivery {
    const c = CAN_THO.gao;
    const current = this.products.get(c.items[0].gtin) as Item;
    const changed: Item = {
      ...current,
      standards: ['VietGAP', 'OCOP 5 sao'],
      images: ['https://txng.cantho.gov.vn/anh/gao-st25-my-xuyen.jpg'],
    };
    this.products.set(changed.gtin, changed);
    return {
      index,
      contentType: 'application/json',
      body: JSON.stringify({ doanhNghiep: this.company(c), sanPham: [this.product(changed)] }, null, 2),
      summary: `${c.name}: product ${changed.gtin} now OCOP 5 sao, with a photo`,
      plant: `product ${changed.gtin} changed by its owner (version 2)`,
    };
  }

  /** One lot of one of the company's products, from harvest to the buyer's warehouse. */
  private chain(index: number, c: Company): { lot: string; events: number; parts: Record<string, unknown> } {
    const item = c.items[index % c.items.length];
    const start = simTime(index, 0);
    const seq = (this.lotSeq.get(item.gtin) ?? 0) + 1;
    this.lotSeq.set(item.gtin, seq);
    const lot = `${item.lotPrefix}-${yymm(start)}-${String(seq).padStart(3, '0')}`;
    const qty = this.rng.int(3, 40) * 50;
    const field = c.sites.find((s) => s.type === 'growing-area') ?? c.sites[0];
    const factory = c.sites.find((s) => s.type === 'factory');
    const event = (loai: string, minutes: number, where: string, amount = qty) => ({
      loai,
      thoiGian: vnDateTime(addMinutes(start, minutes)),
      maGTIN: item.gtin,
      soLo: lot,
      soLuong: vnNumber(amount),
      donVi: item.lotUnit,
      diaDiem: where,
    });
    const events = [
      event('thu_hoach', 0, field.gln),
      event('dong_goi', 40, factory?.gln ?? c.gln),
      event('xuat_kho', 80, c.gln, qty / 2),
      event('nhap_kho', 110, RETAIL.sites[0].gln, qty / 2),
    ];
    return {
      lot,
      events: events.length,
      parts: {
        loHang: [
          {
            maGTIN: item.gtin,
            soLo: lot,
            ngaySanXuat: vnDate(start),
            hanSuDung: vnDate(addDays(start, item.shelfDays)),
            soLuong: `${vnNumber(qty)} ${item.lotUnit}`,
            glnVungTrong: field.gln,
          },
        ],
        suKien: events,
      },
    };
  }
}
