/**
 * Webhook bodies in the Cần Thơ system's format (config/sources/can-tho-nong-san.yaml: Vietnamese
 * field names, the realistic JSONata mapping) for the benchmarks. Each body is one cooperative's
 * organization + products + lots + events; the mapping always makes the organization record.
 */

/** Cần Thơ companies of the simulator's prefix registry: the prefix check passes for their GTINs. */
export const OWNERS = [
  { prefix: '8936012', taxCode: '1800156801', name: 'Hợp tác xã Gạo sạch Cờ Đỏ' },
  { prefix: '8938501', taxCode: '1800589003', name: 'Công ty Cổ phần Thủy sản Cần Thơ' },
  { prefix: '8936082', taxCode: '6300123456', name: 'Hợp tác xã Trái cây Phong Điền' },
];
const PRODUCTS = ['Gạo ST25', 'Bưởi Năm Roi', 'Cá tra phi lê', 'Xoài cát Hòa Lộc', 'Gạo thơm Jasmine'];
const SIZES = ['5 kg', '1,5 kg', '2 ký', '500 g', '10 kg'];
const STEPS = ['thu_hoach', 'dong_goi', 'xuat_kho', 'nhap_kho'];

export const checkDigit = (body: string): string => {
  const sum = [...body].reverse().reduce((s, d, i) => s + Number(d) * (i % 2 === 0 ? 3 : 1), 0);
  return body + String((10 - (sum % 10)) % 10);
};
const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/**
 * GTIN-13 number `n` of a wide key space (prefixes 8931000–8931999, none in the simulator's
 * registry, so the portal takes them from any owner): a million-record run never reuses a key.
 */
export const wideGtin = (n: number): string =>
  checkDigit(`${8931000 + Math.floor(n / 100_000)}${pad(n % 100_000, 5)}`);

export interface BodySpec {
  /** The body's number: names its lots and spreads its event times (unique per run). */
  n: number;
  /** Index into OWNERS. */
  owner: number;
  products: number;
  lots: number;
  events: number;
  /** Product `j`'s GTIN. */
  gtin: (j: number) => string;
  /** Changed products and lots under the same keys (a version 2). */
  update?: boolean;
}

/** Body `spec` as the Cần Thơ system sends it: 1 + products + lots + events records. */
export function cantHoBodyOf(spec: BodySpec): Record<string, unknown> {
  const { n: i, products: nProducts, lots: nLots, events: nEvents, gtin, update } = spec;
  const owner = OWNERS[spec.owner % OWNERS.length];
  const site = checkDigit(`${owner.prefix}00000`);
  const day = 1 + (i % 28);
  return {
    doanhNghiep: {
      maSoThue: owner.taxCode,
      ten: owner.name,
      maTinh: '92',
      maGLN: site,
      diaChi: 'Quốc lộ 91, quận Thốt Nốt, TP Cần Thơ',
      dienThoai: '0292 3841 123',
    },
    sanPham: Array.from({ length: nProducts }, (_, j) => ({
      maGTIN: gtin(j),
      tenSanPham: `${PRODUCTS[j % PRODUCTS.length]} lô ${i}-${j}${update ? ' (bao bì mới)' : ''}`,
      khoiLuong: SIZES[j % SIZES.length],
      tieuChuan: j % 2 ? ['VietGAP'] : ['VietGAP', 'OCOP 4 sao'],
      anh: [`https://txng.cantho.gov.vn/anh/${i}-${j}.jpg`],
    })),
    loHang: Array.from({ length: nLots }, (_, j) => ({
      maGTIN: gtin(j % Math.max(nProducts, 1)),
      soLo: `L${i}-${j}`,
      ngaySanXuat: `${pad(day)}/03/2026`,
      hanSuDung: `${pad(day)}/03/2027`,
      soLuong: `${update ? '1.350' : '1.200'} kg`,
    })),
    suKien: Array.from({ length: nEvents }, (_, j) => ({
      loai: STEPS[j % STEPS.length],
      thoiGian: `${pad(day)}/04/2026 ${pad(7 + (Math.floor(j / 60) % 12))}:${pad(j % 60)}:${pad(i % 60)}`,
      maGTIN: gtin(j % Math.max(nProducts, 1)),
      soLo: `L${i}-${j % Math.max(nLots, 1)}`,
      soLuong: `${100 + j}`,
      donVi: 'kg',
      diaDiem: site,
    })),
  };
}

/**
 * Body `i` of `records` records (≥ 4: the organization, then a third each of products, lots and
 * events) over the owners' registered prefixes; `update` changes every product and lot.
 */
export function cantHoBody(i: number, records: number, update: boolean): Record<string, unknown> {
  const owner = i % OWNERS.length;
  const rest = records - 1;
  const products = Math.floor(rest / 3);
  const lots = Math.floor(rest / 3);
  return cantHoBodyOf({
    n: i,
    owner,
    products,
    lots,
    events: rest - products - lots,
    gtin: (j) => checkDigit(`${OWNERS[owner].prefix}${pad((i * products + j) % 100_000, 5)}`),
    update,
  });
}
