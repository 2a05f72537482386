import { gln, gtin13 } from './gs1';

/**
 * The demo federation's fictional companies, sites and products. Names, places and products are
 * plausible Vietnamese supply chains; tax codes, prefixes and GLNs are invented (valid in format
 * and check digit, registered nowhere). The portal simulator's prefix registry for the demo
 * (config/examples/demo/prefix-registry.json) is `prefixRegistry()` of this file.
 */

export interface Site {
  gln: string;
  name: string;
  /** national-model location type */
  type: 'farm' | 'growing-area' | 'aquaculture-area' | 'factory' | 'warehouse' | 'retail';
  /** The province code as the provincial system writes it (pre-2025 codes included). */
  provinceCode: string;
  growingAreaCode?: string;
}

export interface Item {
  gtin: string;
  name: string;
  /** net content as a number and a unit word the province uses */
  net: { value: number; unit: string };
  standards?: string[];
  images?: string[];
  brand?: string;
  /** shelf life in days */
  shelfDays: number;
  /** the lot code prefix and the unit lots are counted in */
  lotPrefix: string;
  lotUnit: string;
}

export interface Company {
  taxCode: string;
  name: string;
  /** As the provincial system writes it: may be a pre-2025 code (crosswalked by the hub). */
  provinceCode: string;
  /** The province since 2025-07-01. */
  currentProvinceCode: string;
  prefix: string;
  gln: string;
  address: string;
  phone: string;
  /**
   * Whether the portal's prefix registry knows the company. One is deliberately missing
   * ("registration pending"): the registry is not complete, and the KEY_CLAIMED plant on its GTIN
   * must not also be a GTIN_PREFIX_OWNER case.
   */
  registered: boolean;
  sites: Site[];
  items: Item[];
}

const company = (
  c: Omit<Company, 'gln' | 'sites' | 'items'> & {
    sites: Array<Omit<Site, 'gln'> & { ref: number }>;
    items: Array<Omit<Item, 'gtin'> & { ref: number }>;
  },
): Company => ({
  ...c,
  gln: gln(c.prefix, 0),
  sites: c.sites.map(({ ref, ...s }) => ({ ...s, gln: gln(c.prefix, 10000 + ref) })),
  items: c.items.map(({ ref, ...i }) => ({ ...i, gtin: gtin13(c.prefix, ref) })),
});

/** Cần Thơ (92; since 2025 with the former Sóc Trăng 94 and Hậu Giang 93): JSON webhooks. */
export const CAN_THO = {
  xoai: company({
    taxCode: '6300789012',
    name: 'Công ty TNHH Xoài cát Hòa Lộc Hậu Giang',
    provinceCode: '93',
    currentProvinceCode: '92',
    prefix: '8938523',
    address: 'Ấp Long Trị, xã Long Mỹ, TP Cần Thơ',
    phone: '0293 3876 215',
    registered: false,
    sites: [
      {
        ref: 1,
        name: 'Vườn xoài cát Hòa Lộc Long Mỹ',
        type: 'growing-area',
        provinceCode: '93',
        growingAreaCode: 'VT-93-0041',
      },
    ],
    items: [
      {
        ref: 1,
        name: 'Xoài cát Hòa Lộc loại 1 hộp 2 kg',
        net: { value: 2, unit: 'kg' },
        standards: ['VietGAP'],
        shelfDays: 14,
        lotPrefix: 'XHL',
        lotUnit: 'hộp',
      },
    ],
  }),
  gao: company({
    taxCode: '2200561234',
    name: 'Hợp tác xã Lúa gạo ST25 Mỹ Xuyên',
    provinceCode: '94',
    currentProvinceCode: '92',
    prefix: '8938521',
    address: 'Ấp Hòa Phuông, xã Hòa Tú, TP Cần Thơ',
    phone: '0299 3851 462',
    registered: true,
    sites: [
      {
        ref: 1,
        name: 'Cánh đồng lúa ST25 Hòa Tú',
        type: 'growing-area',
        provinceCode: '94',
        growingAreaCode: 'VT-94-0108',
      },
      { ref: 2, name: 'Nhà máy xay xát Mỹ Xuyên', type: 'factory', provinceCode: '94' },
    ],
    items: [
      {
        ref: 1,
        name: 'Gạo ST25 Sóc Trăng túi 5 kg',
        net: { value: 5, unit: 'kg' },
        standards: ['VietGAP', 'OCOP 4 sao'],
        shelfDays: 365,
        lotPrefix: 'ST25',
        lotUnit: 'túi',
      },
      {
        ref: 2,
        name: 'Gạo ST25 Sóc Trăng túi 2 ký',
        net: { value: 2, unit: 'ký' },
        standards: ['VietGAP'],
        shelfDays: 365,
        lotPrefix: 'ST25B',
        lotUnit: 'túi',
      },
    ],
  }),
  buoi: company({
    taxCode: '1801456789',
    name: 'Hợp tác xã Bưởi Năm Roi Phong Điền',
    provinceCode: '92',
    currentProvinceCode: '92',
    prefix: '8938522',
    address: 'Ấp Nhơn Lộc 1, xã Phong Điền, TP Cần Thơ',
    phone: '0292 3942 118',
    registered: true,
    sites: [
      {
        ref: 1,
        name: 'Vườn bưởi Năm Roi Nhơn Ái',
        type: 'growing-area',
        provinceCode: '92',
        growingAreaCode: 'VT-92-0023',
      },
    ],
    items: [
      {
        ref: 1,
        name: 'Bưởi Năm Roi Phong Điền',
        net: { value: 1.5, unit: 'kg' },
        standards: ['VietGAP'],
        shelfDays: 30,
        lotPrefix: 'BNR',
        lotUnit: 'kg',
      },
    ],
  }),
};

/** Vĩnh Long (86; since 2025 with the former Trà Vinh 84 and Bến Tre 83): XML webhooks. */
export const VINH_LONG = {
  dua: company({
    taxCode: '2100345678',
    name: 'Hợp tác xã Dừa sáp Cầu Kè',
    provinceCode: '84',
    currentProvinceCode: '86',
    prefix: '8938601',
    address: 'Ấp Ô Tưng A, xã Cầu Kè, tỉnh Vĩnh Long',
    phone: '0294 3834 567',
    registered: true,
    sites: [
      {
        ref: 1,
        name: 'Vùng trồng dừa sáp ấp Ô Tưng',
        type: 'growing-area',
        provinceCode: '84',
        growingAreaCode: 'VT-84-0032',
      },
      { ref: 2, name: 'Xưởng đóng gói dừa sáp Cầu Kè', type: 'factory', provinceCode: '86' },
    ],
    items: [
      {
        ref: 1,
        name: 'Dừa sáp Cầu Kè loại 1',
        net: { value: 1, unit: 'trái' },
        standards: ['OCOP 4 sao', 'VietGAP'],
        shelfDays: 30,
        lotPrefix: 'DS',
        lotUnit: 'trái',
      },
    ],
  }),
  keo: company({
    taxCode: '1300456789',
    name: 'Công ty Cổ phần Kẹo dừa Bến Tre Thanh Long',
    provinceCode: '83',
    currentProvinceCode: '86',
    prefix: '8938602',
    address: 'Phường An Hội, tỉnh Vĩnh Long',
    phone: '0275 3822 904',
    registered: true,
    sites: [{ ref: 1, name: 'Nhà máy kẹo dừa Mỏ Cày', type: 'factory', provinceCode: '83' }],
    items: [
      {
        ref: 1,
        name: 'Kẹo dừa sầu riêng hộp 400 g',
        net: { value: 400, unit: 'g' },
        standards: ['OCOP 3 sao'],
        shelfDays: 270,
        lotPrefix: 'KD',
        lotUnit: 'hộp',
      },
      {
        ref: 2,
        name: 'Kẹo dừa lá dứa hộp 250 g',
        net: { value: 250, unit: 'g' },
        shelfDays: 270,
        lotPrefix: 'KDL',
        lotUnit: 'hộp',
      },
    ],
  }),
  /** The trader who relabels Cần Thơ's mango under its own name: the KEY_CLAIMED plant. */
  traiCay: company({
    taxCode: '1500567890',
    name: 'Công ty TNHH Thương mại Trái cây Vĩnh Long',
    provinceCode: '86',
    currentProvinceCode: '86',
    prefix: '8938603',
    address: 'Phường Long Châu, tỉnh Vĩnh Long',
    phone: '0270 3823 771',
    registered: true,
    sites: [{ ref: 1, name: 'Kho trái cây Vĩnh Long', type: 'warehouse', provinceCode: '86' }],
    items: [],
  }),
};

/** Cà Mau (96; since 2025 with the former Bạc Liêu 95): EPCIS 2.0 JSON-LD webhooks. */
export const CA_MAU = {
  namCan: company({
    taxCode: '2000678901',
    name: 'Công ty Cổ phần Thủy sản Năm Căn',
    provinceCode: '96',
    currentProvinceCode: '96',
    prefix: '8938701',
    address: 'Khóm 2, xã Năm Căn, tỉnh Cà Mau',
    phone: '0290 3877 312',
    registered: true,
    sites: [
      { ref: 1, name: 'Vùng nuôi tôm sú quảng canh Năm Căn', type: 'aquaculture-area', provinceCode: '96' },
      { ref: 2, name: 'Nhà máy chế biến tôm Năm Căn', type: 'factory', provinceCode: '96' },
    ],
    items: [
      {
        ref: 1,
        name: 'Tôm sú nguyên liệu',
        net: { value: 1, unit: 'kg' },
        shelfDays: 3,
        lotPrefix: 'TS',
        lotUnit: 'KGM',
      },
      {
        ref: 2,
        name: 'Tôm sú đông lạnh hộp 1 kg',
        net: { value: 1, unit: 'kg' },
        shelfDays: 540,
        lotPrefix: 'TSD',
        lotUnit: 'H87',
      },
    ],
  }),
  bacLieu: company({
    taxCode: '1900789012',
    name: 'Công ty TNHH Chế biến Tôm Bạc Liêu',
    provinceCode: '95',
    currentProvinceCode: '96',
    prefix: '8938702',
    address: 'Phường Bạc Liêu, tỉnh Cà Mau',
    phone: '0291 3824 650',
    registered: true,
    sites: [
      { ref: 1, name: 'Vùng nuôi tôm Vĩnh Hậu', type: 'aquaculture-area', provinceCode: '95' },
      { ref: 2, name: 'Xưởng chế biến tôm Bạc Liêu', type: 'factory', provinceCode: '95' },
    ],
    items: [
      {
        ref: 1,
        name: 'Tôm sú nguyên liệu Bạc Liêu',
        net: { value: 1, unit: 'kg' },
        shelfDays: 3,
        lotPrefix: 'BL',
        lotUnit: 'KGM',
      },
      {
        ref: 2,
        name: 'Tôm sú hấp đông lạnh hộp 500 g',
        net: { value: 500, unit: 'g' },
        shelfDays: 540,
        lotPrefix: 'BLD',
        lotUnit: 'H87',
      },
    ],
  }),
};

/** Where the shrimp is sold: a distributor's warehouse and a supermarket (GLNs of their own). */
export const RETAIL = company({
  taxCode: '0302345678',
  name: 'Công ty Cổ phần Phân phối Thực phẩm Sài Gòn',
  provinceCode: '79',
  currentProvinceCode: '79',
  prefix: '8938990',
  address: 'Phường Bến Thành, TP Hồ Chí Minh',
  phone: '028 3829 1150',
  registered: true,
  sites: [
    { ref: 1, name: 'Kho lạnh Bình Chánh', type: 'warehouse', provinceCode: '79' },
    { ref: 2, name: 'Siêu thị Thực phẩm Sài Gòn quận 3', type: 'retail', provinceCode: '79' },
  ],
  items: [],
});

/** Cao Bằng (04): CSV exports from Excel, pushed as webhooks. */
export const CAO_BANG = {
  hatDe: company({
    taxCode: '4800123456',
    name: 'Hợp tác xã Hạt dẻ Trùng Khánh',
    provinceCode: '04',
    currentProvinceCode: '04',
    prefix: '8938801',
    address: 'Xã Trùng Khánh, tỉnh Cao Bằng',
    phone: '0206 3826 118',
    registered: true,
    sites: [],
    items: [
      {
        ref: 1,
        name: 'Hạt dẻ Trùng Khánh rang sẵn',
        net: { value: 500, unit: 'gam' },
        standards: ['OCOP 3 sao'],
        shelfDays: 180,
        lotPrefix: 'HD',
        lotUnit: 'hộp',
      },
    ],
  }),
  mien: company({
    taxCode: '4800234567',
    name: 'Công ty CP Miến dong Phia Đén; Nguyên Bình',
    provinceCode: '04',
    currentProvinceCode: '04',
    prefix: '8938802',
    address: 'Xã Phia Đén, tỉnh Cao Bằng',
    phone: '0206 3873 020',
    registered: true,
    sites: [],
    items: [
      {
        ref: 1,
        name: 'Miến dong Phia Đén "loại đặc biệt"',
        net: { value: 0.4, unit: 'kg' },
        shelfDays: 365,
        lotPrefix: 'MD',
        lotUnit: 'thùng',
      },
    ],
  }),
  matOng: company({
    taxCode: '4800345678',
    name: 'Hợp tác xã Mật ong bạc hà Bảo Lạc',
    provinceCode: '04',
    currentProvinceCode: '04',
    prefix: '8938803',
    address: 'Xã Bảo Lạc, tỉnh Cao Bằng',
    phone: '0206 3870 456',
    registered: true,
    sites: [],
    items: [
      {
        ref: 1,
        name: 'Mật ong hoa bạc hà chai 500 ml',
        net: { value: 500, unit: 'ml' },
        standards: ['OCOP 4 sao'],
        shelfDays: 730,
        lotPrefix: 'MO',
        lotUnit: 'chai',
      },
      {
        ref: 2,
        name: 'Mật ong rừng Bảo Lạc hũ 250 ml',
        net: { value: 250, unit: 'ml' },
        shelfDays: 730,
        lotPrefix: 'MOR',
        lotUnit: 'hũ',
      },
    ],
  }),
};

/** Tây Ninh (80; since 2025 Long An 80 and the former Tây Ninh 72): a REST API the hub polls. */
export const TAY_NINH = {
  mangCau: company({
    taxCode: '3901234567',
    name: 'Công ty TNHH Mãng cầu Bà Đen',
    provinceCode: '72',
    currentProvinceCode: '80',
    prefix: '8938901',
    address: 'Xã Thạnh Tân, Tây Ninh (cũ)',
    phone: '0276 3821 334',
    registered: true,
    sites: [],
    items: [
      {
        ref: 1,
        name: 'Mãng cầu ta Bà Đen',
        net: { value: 1, unit: 'kg' },
        brand: 'Bà Đen',
        shelfDays: 10,
        lotPrefix: 'MC',
        lotUnit: 'thùng',
      },
    ],
  }),
  thanhLong: company({
    taxCode: '1101234567',
    name: 'Hợp tác xã Thanh long Châu Thành',
    provinceCode: '80',
    currentProvinceCode: '80',
    prefix: '8938902',
    address: 'Xã Châu Thành, Tây Ninh',
    phone: '0272 3875 220',
    registered: true,
    sites: [],
    items: [
      {
        ref: 1,
        name: 'Thanh long ruột đỏ Châu Thành',
        net: { value: 10, unit: 'kg' },
        shelfDays: 14,
        lotPrefix: 'TL',
        lotUnit: 'kg',
      },
    ],
  }),
  dieu: company({
    taxCode: '3900456789',
    name: 'Công ty Cổ phần Hạt điều Tây Ninh',
    provinceCode: '72',
    currentProvinceCode: '80',
    prefix: '8938903',
    address: 'Phường Tân Ninh, Tây Ninh (cũ)',
    phone: '0276 3822 781',
    registered: true,
    sites: [],
    items: [
      {
        ref: 1,
        name: 'Hạt điều rang muối Tây Ninh hũ 500 g',
        net: { value: 500, unit: 'gam' },
        brand: 'Điều Bà Đen',
        shelfDays: 300,
        lotPrefix: 'HDR',
        lotUnit: 'hũ',
      },
    ],
  }),
  caPhe: company({
    taxCode: '1100567890',
    name: 'Công ty TNHH Cà phê Đức Hòa',
    provinceCode: '80',
    currentProvinceCode: '80',
    prefix: '8938904',
    address: 'Xã Đức Hòa, Tây Ninh',
    phone: '0272 3851 606',
    registered: true,
    sites: [],
    items: [
      {
        ref: 1,
        name: 'Cà phê Robusta rang xay gói 500 g',
        net: { value: 500, unit: 'g' },
        brand: 'Đức Hòa',
        shelfDays: 365,
        lotPrefix: 'CP',
        lotUnit: 'gói',
      },
    ],
  }),
};

export const ALL_COMPANIES: Company[] = [
  ...Object.values(CAN_THO),
  ...Object.values(VINH_LONG),
  ...Object.values(CA_MAU),
  ...Object.values(CAO_BANG),
  ...Object.values(TAY_NINH),
  RETAIL,
];

/** The portal simulator's registry for the demo: every registered company's prefix. */
export function prefixRegistry(): {
  source: string;
  prefixes: Array<{
    prefix: string;
    status: 'active';
    owner: { taxCode: string; gln: string; name: string };
  }>;
} {
  return {
    source:
      'Demo federation (apps/province-sim/src/catalogue.ts): fictional companies under GS1 Vietnam (893) prefixes. Not real registrations.',
    prefixes: ALL_COMPANIES.filter((c) => c.registered).map((c) => ({
      prefix: c.prefix,
      status: 'active',
      owner: { taxCode: c.taxCode, gln: c.gln, name: c.name },
    })),
  };
}
