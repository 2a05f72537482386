import fc from 'fast-check';
import { type RecordKind } from '../records/record.types';
import { isBlockingFinding } from './finding';
import { validateEnvelope, validateRecord } from './record.validator';

const now = new Date('2025-08-01T00:00:00Z');
/** The codes of the findings that quarantine (warnings are asserted with `warnings`). */
const codes = (kind: RecordKind, data: unknown, policy = {}) =>
  validateRecord(kind, data, { now, policy })
    .filter(isBlockingFinding)
    .map((f) => f.code)
    .sort();
const warnings = (kind: RecordKind, data: unknown, policy = {}) =>
  validateRecord(kind, data, { now, policy })
    .filter((f) => !isBlockingFinding(f))
    .map((f) => f.code)
    .sort();

const product = {
  gtin: '8935049500018',
  name: 'Gạo ST25',
  ownerTaxCode: '0300588569',
  netContent: { value: 5, uom: 'KGM' },
};
const event = {
  type: 'ObjectEvent',
  eventTime: '2025-07-31T08:00:00+07:00',
  eventTimeZoneOffset: '+07:00',
  epcList: ['https://id.gs1.org/01/08935049500018/21/SN001'],
  action: 'ADD',
  bizStep: 'commissioning',
  disposition: 'active',
  readPoint: { id: 'https://id.gs1.org/414/8935049000006' },
};

describe('validateRecord', () => {
  it('accepts well-formed records', () => {
    expect(codes('product', product)).toEqual([]);
    expect(
      codes('organization', { taxCode: '0300588569-001', name: 'HTX Rau sạch', provinceCode: '92' }),
    ).toEqual([]);
    expect(
      codes('lot', {
        gtin: '08935049500018',
        lot: 'L01',
        productionDate: '2025-07-01',
        expiryDate: '2026-07-01',
        quantity: { value: 100, uom: 'KGM' },
      }),
    ).toEqual([]);
    expect(
      codes('location', {
        gln: '8935049000006',
        name: 'Vùng trồng A',
        type: 'growing-area',
        provinceCode: '94',
      }),
    ).toEqual([]);
  });

  it('reports tax code, province, GTIN and restricted GTIN with the offending value', () => {
    const findings = validateRecord(
      'organization',
      { taxCode: '301234567', name: 'X', provinceCode: '99' },
      { now },
    );
    expect(findings.map((f) => f.code)).toEqual(['TAX_CODE_FORMAT', 'PROVINCE_UNKNOWN']);
    expect(findings[0].message).toContain('"301234567"');
    expect(findings[0].path).toBe('/taxCode');
    expect(codes('product', { ...product, gtin: '8935049500019' })).toEqual(['GTIN_FORMAT']);
    expect(codes('product', { ...product, gtin: '2000000000015' })).toEqual(['GTIN_RESTRICTED']);
  });

  it('checks the tax code check digit as a warning, and takes a 12-digit personal identification number', () => {
    const org = { name: 'HTX Rau sạch', provinceCode: '92' };
    expect(codes('organization', { ...org, taxCode: '0300588569' })).toEqual([]);
    expect(codes('organization', { ...org, taxCode: '0300588569-001' })).toEqual([]);
    const mistyped = validateRecord('organization', { ...org, taxCode: '0300588568' }, { now });
    expect(mistyped).toEqual([
      expect.objectContaining({ code: 'TAX_CODE_CHECK_DIGIT', path: '/taxCode', severity: 'warning' }),
    ]);
    expect(codes('product', { ...product, ownerTaxCode: '0300588568' })).toEqual([]);
    expect(warnings('product', { ...product, ownerTaxCode: '0300588568' })).toEqual([
      'CIRCULAR_MINIMUM',
      'TAX_CODE_CHECK_DIGIT',
    ]);
    // A household business: its owner's personal identification number is its tax code since 2025-07-01.
    expect(codes('organization', { ...org, taxCode: '079203001234' })).toEqual([]);
    expect(codes('organization', { ...org, taxCode: '0300588569001' })).toEqual(['TAX_CODE_FORMAT']);
    expect(codes('organization', { ...org, taxCode: '07920300123' })).toEqual(['TAX_CODE_FORMAT']);
  });

  it('refuses refund receipts, coupons and demonstration numbers as products, in events too', () => {
    expect(codes('product', { ...product, gtin: '9800000000014' })).toEqual(['GTIN_NOT_TRADE_ITEM']);
    expect(codes('product', { ...product, gtin: '9520000000011' })).toEqual(['GTIN_NOT_TRADE_ITEM']);
    expect(codes('lot', { gtin: '9900000000011', lot: 'L1' })).toEqual(['GTIN_NOT_TRADE_ITEM']);
    expect(codes('event', { ...event, epcList: ['https://id.gs1.org/01/09810000000013/21/S1'] })).toEqual([
      'GTIN_NOT_TRADE_ITEM',
    ]);
    const [finding] = validateRecord('product', { ...product, gtin: '9800000000014' }, { now }).filter(
      isBlockingFinding,
    );
    expect(finding.message).toContain('refund receipt');
    expect(codes('product', { ...product, gtin: '9786040000019' })).toEqual([]); // an ISBN is a trade item
  });

  it('reports every missing field and the portal minimum, image only when the policy asks', () => {
    expect(codes('product', { gtin: '8935049500018' })).toEqual([
      'PORTAL_MINIMUM',
      'REQUIRED_FIELD',
      'REQUIRED_FIELD',
      'REQUIRED_FIELD',
    ]);
    expect(codes('product', product, { requireProductImage: true })).toEqual(['PORTAL_MINIMUM']);
    expect(
      codes(
        'product',
        { ...product, imageUrls: ['https://cdn.example.vn/st25.jpg'] },
        { requireProductImage: true },
      ),
    ).toEqual([]);
  });

  it('names what the circular asks for beyond the contract as one warning per record, in Vietnamese', () => {
    const full = {
      ...product,
      imageUrls: ['https://cdn.example.vn/st25.jpg'],
      producerName: 'HTX Nông nghiệp Hòa Lộc',
      producerAddress: 'Ấp Hòa Lộc, xã Hòa Hưng, Đồng Tháp',
      standards: ['VietGAP'],
    };
    expect(warnings('product', full)).toEqual([]);
    const bare = validateRecord('product', product, { now });
    expect(bare).toEqual([
      expect.objectContaining({ code: 'CIRCULAR_MINIMUM', severity: 'warning', path: '' }),
    ]);
    expect(bare[0].message).toContain('ảnh sản phẩm');
    expect(bare[0].message).toContain('tiêu chuẩn áp dụng');
    expect(bare[0].message).toContain('Thông tư 02/2024/TT-BKHCN');
    expect(warnings('lot', { gtin: '08935049500018', lot: 'L01' })).toEqual(['CIRCULAR_MINIMUM']);
    expect(warnings('lot', { gtin: '08935049500018', lot: 'L01', productionDate: '2025-07-01' })).toEqual([]);
    expect(warnings('event', { ...event, bizStep: undefined })).toEqual(['CIRCULAR_MINIMUM']);
    expect(codes('event', { ...event, bizStep: undefined })).toEqual([]);
  });

  it('keeps net content a policy: required by default, a warning when the source turns it off', () => {
    const loose = { gtin: product.gtin, name: product.name, ownerTaxCode: product.ownerTaxCode };
    expect(codes('product', loose)).toEqual(['PORTAL_MINIMUM', 'REQUIRED_FIELD']);
    expect(codes('product', loose, { requireNetContent: false })).toEqual([]);
    const [w] = validateRecord('product', loose, { now, policy: { requireNetContent: false } });
    expect(w.message).toContain('khối lượng tịnh');
  });

  it('reports units, quantities, lots and date order', () => {
    expect(codes('product', { ...product, netContent: { value: -1, uom: 'tạ' } })).toEqual([
      'QUANTITY_RANGE',
      'UOM_UNKNOWN',
    ]);
    expect(
      codes('lot', {
        gtin: '08935049500018',
        lot: 'LÔ 01',
        productionDate: '2025-07-01',
        expiryDate: '2025-06-30',
        bestBeforeDate: '2025-02-30',
      }),
    ).toEqual(['DATE_ORDER', 'DATE_ORDER', 'LOT_FORMAT']);
  });

  it('accepts a commissioning event and checks identifiers inside it', () => {
    expect(codes('event', event)).toEqual([]);
    expect(
      codes('event', {
        ...event,
        epcList: ['https://id.gs1.org/01/08935049500019/21/SN 1', 'urn:epc:id:sscc:0614141.1234567890'],
      }),
    ).toEqual(['GTIN_FORMAT', 'SERIAL_FORMAT']);
    expect(codes('event', { ...event, readPoint: { id: 'https://id.gs1.org/414/8935049000007' } })).toEqual([
      'GLN_FORMAT',
    ]);
  });

  it('checks event shape, offset, vocabulary and clock', () => {
    expect(codes('event', { ...event, action: undefined })).toEqual(['REQUIRED_FIELD']);
    expect(codes('event', { ...event, eventTimeZoneOffset: '+7:00' })).toEqual(['EVENT_SHAPE']);
    expect(codes('event', { ...event, bizStep: 'thu hoạch' })).toEqual(['EVENT_SHAPE']);
    expect(codes('event', { ...event, bizStep: 'https://example.vn/voc/harvesting' })).toEqual([]);
    expect(codes('event', { ...event, eventTime: '2025-08-01T07:06:00+07:00' })).toEqual([
      'EVENT_TIME_FUTURE',
    ]);
    expect(codes('event', { ...event, eventTime: '2025-08-01T07:04:00+07:00' })).toEqual([]);
    expect(codes('event', { ...event, type: 'AggregationEvent', epcList: undefined })).toEqual([
      'EVENT_SHAPE',
      'EVENT_SHAPE',
    ]);
    expect(
      codes('event', {
        type: 'TransformationEvent',
        eventTime: event.eventTime,
        eventTimeZoneOffset: '+07:00',
        inputEPCList: event.epcList,
        outputQuantityList: [
          { epcClass: 'https://id.gs1.org/01/08935049500018/10/L1', quantity: 0, uom: 'bao' },
        ],
      }),
    ).toEqual(['QUANTITY_RANGE', 'UOM_UNKNOWN']);
  });

  it('accepts a company URI but not a misspelt CBV value in any of its forms', () => {
    for (const bizStep of [
      'urn:epcglobal:cbv:bizstep:shiping',
      'https://ref.gs1.org/cbv/BizStep-shiping',
      'https://gs1.org/voc/BizStep-shiping',
      'cbv:BizStep-shiping',
    ])
      expect({ bizStep, codes: codes('event', { ...event, bizStep }) }).toEqual({
        bizStep,
        codes: ['EVENT_SHAPE'],
      });
    expect(codes('event', { ...event, bizStep: 'urn:epcglobal:cbv:bizstep:shipping' })).toEqual([]);
    expect(codes('event', { ...event, disposition: 'urn:epcglobal:cbv:disp:in_transti' })).toEqual([
      'EVENT_SHAPE',
    ]);
    expect(codes('event', { ...event, disposition: 'https://ref.gs1.org/cbv/Disp-in_transit' })).toEqual([]);
    expect(codes('event', { ...event, bizStep: 'urn:vn:txng:bizstep:so_che' })).toEqual([]);
  });

  it('checks source/destination types, business transaction types and error reasons', () => {
    const gln = 'https://id.gs1.org/417/8935049000006';
    const ok = {
      ...event,
      bizTransactionList: [{ type: 'prodorder', bizTransaction: 'urn:vn:lsx:1' }],
      sourceList: [{ type: 'owning_party', source: gln }],
      destinationList: [{ type: 'urn:epcglobal:cbv:sdt:location', destination: gln }],
      errorDeclaration: { declarationTime: '2025-07-31T09:00:00+07:00', reason: 'incorrect_data' },
    };
    expect(codes('event', ok)).toEqual([]);
    expect(codes('event', { ...ok, sourceList: [{ type: 'owner', source: gln }] })).toEqual(['EVENT_SHAPE']);
    expect(codes('event', { ...ok, destinationList: [{ destination: gln }] })).toEqual(['EVENT_SHAPE']);
    expect(
      codes('event', { ...ok, bizTransactionList: [{ type: 'purchase_order', bizTransaction: 'x:1' }] }),
    ).toEqual(['EVENT_SHAPE']);
    expect(
      codes('event', {
        ...ok,
        bizTransactionList: [{ type: 'https://example.vn/btt/hop-dong', bizTransaction: 'x:1' }],
      }),
    ).toEqual([]);
    expect(codes('event', { ...ok, errorDeclaration: { ...ok.errorDeclaration, reason: 'wrong' } })).toEqual([
      'EVENT_SHAPE',
    ]);
  });

  it('accepts the GID, US DoD and ADI EPC schemes', () => {
    for (const epc of [
      'urn:epc:id:gid:95100000.12345.400',
      'urn:epc:id:usdod:2S194.12345678901',
      'urn:epc:id:adi:2S194.12345678901.%23A1',
    ])
      expect({ epc, codes: codes('event', { ...event, epcList: [epc] }) }).toEqual({ epc, codes: [] });
    expect(codes('event', { ...event, epcList: ['urn:epc:id:gid:95100000.12345'] })).toEqual(['EVENT_SHAPE']);
  });

  it('never throws, whatever the input (property)', () => {
    const kinds = fc.constantFrom<RecordKind>('organization', 'location', 'product', 'lot', 'event');
    fc.assert(
      fc.property(
        kinds,
        fc.anything({ withNullPrototype: true, withBoxedValues: true, withMap: true, withSet: true }),
        (kind, data) => {
          expect(Array.isArray(validateRecord(kind, data, { now }))).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(
        kinds,
        fc.dictionary(
          fc.constantFrom(
            'gtin',
            'lot',
            'type',
            'action',
            'epcList',
            'quantityList',
            'netContent',
            'eventTime',
            'provinceCode',
            'readPoint',
          ),
          fc.anything(),
        ),
        (kind, data) => {
          expect(() =>
            validateRecord(kind, { ...data, type: kind === 'event' ? 'ObjectEvent' : data.type }, { now }),
          ).not.toThrow();
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('validateEnvelope', () => {
  it('gives every finding with its path in the envelope', () => {
    const findings = validateEnvelope(
      { products: [product, { ...product, gtin: '123' }], events: ['x'] },
      { now },
    );
    expect(findings.filter(isBlockingFinding).map((f) => `${f.code} ${f.path}`)).toEqual([
      'GTIN_FORMAT /products/1/gtin',
      'REQUIRED_FIELD /events/0',
    ]);
  });
});
