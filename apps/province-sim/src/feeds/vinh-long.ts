import { CAN_THO, type Company, type Item, VINH_LONG } from '../catalogue';
import { PLANTS } from '../plan';
import { type Rng } from '../rng';
import {
  addDays,
  addMinutes,
  type Delivery,
  isoDate,
  simTime,
  vnDate,
  vnDateTime,
  vnNumber,
  type WebhookFeed,
  yymm,
} from './feed';

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const LOAI: Record<string, string> = { 'growing-area': 'vung-trong', factory: 'nha-may', warehouse: 'kho' };

/**
 * The Trà Vinh coconut system, now Vĩnh Long's (config/sources/vinh-long-tra-vinh.yaml): one XML
 * `GoiDuLieu` per delivery with the company, its sites, its products (lots nested inside) and
 * events. It runs on an old Mac: the coconut cooperative's name goes out in Unicode NFD.
 */
export class VinhLongFeed implements WebhookFeed {
  readonly sourceKey = 'vinh-long-tra-vinh';
  private readonly lotSeq = new Map<string, number>();
  private readonly bodies: string[] = [];

  constructor(private readonly rng: Rng) {}

  next(index: number): Delivery {
    const p = PLANTS.vinhLong;
    if (index === p.retrySameId) {
      return {
        index,
        contentType: 'application/xml',
        body: this.bodies[p.original],
        summary: `resend of #${p.original}`,
        resendOf: { index: p.original, sameId: true },
        plant: `retry of #${p.original} with the same webhook-id`,
      };
    }
    const delivery = index === p.keyClaimed ? this.keyClaimed(index) : this.routine(index);
    this.bodies[index] = delivery.body;
    return delivery;
  }

  private header(c: Company, day: Date): string[] {
    const name = c === VINH_LONG.dua ? c.name.normalize('NFD') : c.name;
    return [
      '<?xml version="1.0" encoding="UTF-8"?>',
      `<GoiDuLieu phienBan="1.2" ngayXuat="${isoDate(day)}">`,
      `  <DoanhNghiep maSoThue="${c.taxCode}" maTinh="${c.provinceCode}">`,
      `    <Ten>${esc(name)}</Ten>`,
      `    <DiaChi>${esc(c.address)}</DiaChi>`,
      `    <GLN>${c.gln}</GLN>`,
      '  </DoanhNghiep>',
      ...c.sites.flatMap((s) => [
        `  <CoSo gln="${s.gln}" loai="${LOAI[s.type]}" maTinh="${s.provinceCode}">`,
        `    <Ten>${esc(s.name)}</Ten>`,
        ...(s.growingAreaCode ? [`    <MaVungTrong>${s.growingAreaCode}</MaVungTrong>`] : []),
        '  </CoSo>',
      ]),
    ];
  }

  private product(i: Item, lot: string[] = []): string[] {
    return [
      `  <SanPham gtin="${i.gtin}">`,
      `    <Ten>${esc(i.name)}</Ten>`,
      `    <KhoiLuong donVi="${i.net.unit}">${vnNumber(i.net.value)}</KhoiLuong>`,
      ...(i.standards ?? []).map((s) => `    <TieuChuan>${esc(s)}</TieuChuan>`),
      ...lot,
      '  </SanPham>',
    ];
  }

  private routine(index: number): Delivery {
    const c = index % 2 === 0 ? VINH_LONG.dua : VINH_LONG.keo;
    const start = simTime(index, 23);
    const item = c.items[Math.floor(index / 2) % c.items.length];
    const seq = (this.lotSeq.get(item.gtin) ?? 0) + 1;
    this.lotSeq.set(item.gtin, seq);
    const lot = `${item.lotPrefix}-${yymm(start)}${String(seq).padStart(2, '0')}`;
    const qty = this.rng.int(4, 60) * 20;
    const lotXml = [
      `    <Lo so="${lot}">`,
      `      <NgaySanXuat>${vnDate(start)}</NgaySanXuat>`,
      `      <HanSuDung>${vnDate(addDays(start, item.shelfDays))}</HanSuDung>`,
      `      <SoLuong donVi="${item.lotUnit}">${vnNumber(qty)}</SoLuong>`,
      '    </Lo>',
    ];
    const field = c.sites.find((s) => s.type === 'growing-area');
    const factory = c.sites.find((s) => s.type === 'factory') ?? c.sites[0];
    const event = (loai: string, minutes: number, where: string) => [
      `  <SuKien loai="${loai}" thoiGian="${vnDateTime(addMinutes(start, minutes))}">`,
      `    <DoiTuong gtin="${item.gtin}" lo="${lot}" donVi="${item.lotUnit}">${vnNumber(qty)}</DoiTuong>`,
      `    <CoSo>${where}</CoSo>`,
      '  </SuKien>',
    ];
    const lines = [
      ...this.header(c, start),
      ...c.items.flatMap((i) => this.product(i, i === item ? lotXml : [])),
      ...(field ? event('thu-hoach', 0, field.gln) : []),
      ...event('dong-goi', 45, factory.gln),
      ...event('xuat-hang', 95, factory.gln),
      '</GoiDuLieu>',
    ];
    return {
      index,
      contentType: 'application/xml',
      body: lines.join('\n') + '\n',
      summary: `${c.name}: lot ${lot} of ${item.name}`,
    };
  }

  /** A trader in Vĩnh Long lists Cần Thơ's mango GTIN as its own product. */
  private keyClaimed(index: number): Delivery {
    const c = VINH_LONG.traiCay;
    const mango = CAN_THO.xoai.items[0];
    const lines = [
      ...this.header(c, simTime(index, 23)),
      ...this.product({ ...mango, name: 'Xoài cát Hòa Lộc Vĩnh Long hộp 2 kg', standards: undefined }),
      '</GoiDuLieu>',
    ];
    return {
      index,
      contentType: 'application/xml',
      body: lines.join('\n') + '\n',
      summary: `${c.name}: product ${mango.gtin}`,
      plant: `GTIN ${mango.gtin} of ${CAN_THO.xoai.name} (Cần Thơ) claimed by ${c.name} (KEY_CLAIMED conflict)`,
      after: { milestone: 'xoai-owner', delayMs: 5000 },
    };
  }
}
