import fc from 'fast-check';
import { contentHash } from '../hashing/content-hash';
import { normalizeRecord } from './record-normalizer';

describe('normalizeRecord', () => {
  it('normalises text, GTIN, unit and key of a product', () => {
    const n = normalizeRecord('product', {
      gtin: ' 8935049500018 ',
      name: '  Gạo   ST25 '.normalize('NFD'),
      ownerTaxCode: '0301234567',
      netContent: { value: '5', uom: 'Kg' },
    });
    expect(n.key).toBe('gtin:08935049500018');
    expect(n.data).toEqual({
      gtin: '08935049500018',
      name: 'Gạo ST25',
      ownerTaxCode: '0301234567',
      netContent: { value: 5, uom: 'KGM' },
    });
  });

  it('reads quantity text in Vietnamese notation and warns where English would read it otherwise', () => {
    const n = normalizeRecord('lot', {
      gtin: '8935049500018',
      lot: 'L1',
      quantity: { value: '1.500', uom: 'kg' },
    });
    expect((n.data as { quantity: unknown }).quantity).toEqual({ value: 1500, uom: 'KGM' });
    expect(n.findings).toEqual([
      expect.objectContaining({ code: 'NUMBER_AMBIGUOUS', path: '/quantity/value', severity: 'warning' }),
    ]);
    expect(n.findings[0].message).toContain('1.5');
    const clear = normalizeRecord('product', {
      gtin: '8935049500018',
      netContent: { value: '2,5', uom: 'kg' },
    });
    expect((clear.data as { netContent: unknown }).netContent).toEqual({ value: 2.5, uom: 'KGM' });
    expect(clear.findings).toEqual([]);
    const event = normalizeRecord('event', {
      type: 'ObjectEvent',
      eventTime: '2025-07-01T08:00:00+07:00',
      action: 'OBSERVE',
      quantityList: [
        { epcClass: 'https://id.gs1.org/01/08935049500018/10/L1', quantity: '1.234.567', uom: 'KGM' },
      ],
    });
    expect((event.data as { quantityList: Array<{ quantity: unknown }> }).quantityList[0].quantity).toBe(
      1234567,
    );
  });

  it('writes a branch tax code with its hyphen, in the key too', () => {
    const org = normalizeRecord('organization', {
      taxCode: '0300588569001',
      name: 'Chi nhánh',
      provinceCode: '79',
    });
    expect(org.key).toBe('org:0300588569-001');
    expect(org.data).toMatchObject({ taxCode: '0300588569-001' });
    const lot = normalizeRecord('lot', {
      gtin: '8935049500018',
      lot: 'L1',
      producerTaxCode: '0300588569001',
    });
    expect(lot.data).toMatchObject({ producerTaxCode: '0300588569-001' });
  });

  it('leaves an unknown unit as written', () => {
    const n = normalizeRecord('lot', { gtin: '8935049500018', lot: 'L1', quantity: { value: 2, uom: 'tạ' } });
    expect((n.data as { quantity: { uom: string } }).quantity.uom).toBe('tạ');
    expect(n.key).toBe('lot:08935049500018/L1');
  });

  it('maps a legacy province code and keeps it', () => {
    const n = normalizeRecord('organization', {
      taxCode: '2200123456',
      name: 'HTX Sóc Trăng',
      provinceCode: '94',
    });
    expect(n.data).toMatchObject({ provinceCode: '92', legacyProvinceCode: '94' });
    expect(n.key).toBe('org:2200123456');
  });

  it('writes CBV values of a JSON event as bare words, as the XML reading does, with the same key', () => {
    const base = {
      type: 'ObjectEvent',
      eventTime: '2025-07-01T08:00:00+07:00',
      eventTimeZoneOffset: '+07:00',
      action: 'OBSERVE',
      epcList: ['https://id.gs1.org/01/08935049500018/21/S1'],
    };
    const bare = normalizeRecord('event', {
      ...base,
      bizStep: 'shipping',
      disposition: 'in_transit',
      bizTransactionList: [{ type: 'po', bizTransaction: 'urn:vn:po:1' }],
      sourceList: [{ type: 'owning_party', source: 'https://id.gs1.org/417/8935049000006' }],
      persistentDisposition: { set: ['completeness_verified'] },
    });
    const uris = normalizeRecord('event', {
      ...base,
      bizStep: 'https://ref.gs1.org/cbv/BizStep-shipping',
      disposition: 'urn:epcglobal:cbv:disp:in_transit',
      bizTransactionList: [{ type: 'urn:epcglobal:cbv:btt:po', bizTransaction: 'urn:vn:po:1' }],
      sourceList: [
        { type: 'https://gs1.org/voc/SDT-owning_party', source: 'https://id.gs1.org/417/8935049000006' },
      ],
      persistentDisposition: { set: ['https://gs1.org/voc/Disp-completeness_verified'] },
    });
    expect(uris.data).toEqual(bare.data);
    expect(uris.key).toBe(bare.key);
    const own = normalizeRecord('event', { ...base, bizStep: 'https://example.vn/voc/so-che' });
    expect((own.data as { bizStep: string }).bizStep).toBe('https://example.vn/voc/so-che');
  });

  it('defaults the event offset and keys the event by its hash', () => {
    const n = normalizeRecord('event', {
      type: 'ObjectEvent',
      eventTime: '2025-07-01T08:00:00+07:00',
      action: 'OBSERVE',
      epcList: ['urn:epc:id:sgtin:8935049.050001.1'],
    });
    expect((n.data as { eventTimeZoneOffset: string }).eventTimeZoneOffset).toBe('+07:00');
    const dl = normalizeRecord('event', {
      ...(n.data as object),
      epcList: ['https://id.gs1.org/01/08935049500018/21/1'],
    });
    expect(dl.key).toBe(n.key); // same event however the identifier is written
  });

  it('gives NFC and NFD spellings the same content hash', () => {
    const a = normalizeRecord('location', {
      gln: '8935049000006',
      name: 'Cần Thơ',
      type: 'farm',
      provinceCode: '92',
    });
    const b = normalizeRecord('location', {
      gln: '8935049000006',
      name: 'Cần Thơ'.normalize('NFD'),
      type: 'farm',
      provinceCode: '92',
    });
    expect(contentHash(a.data)).toBe(contentHash(b.data));
  });

  it('is idempotent (property)', () => {
    const text = fc.oneof(
      fc.string(),
      fc.constantFrom(
        'Cần Thơ'.normalize('NFD'),
        ' kg ',
        'Kilogam',
        'tạ',
        '94',
        '02',
        '8935049500018',
        '  a  b ',
      ),
    );
    const value = fc.oneof(text, fc.double(), fc.integer(), fc.constant(null), fc.boolean());
    const record = fc.record(
      {
        gtin: text,
        name: text,
        provinceCode: text,
        taxCode: text,
        type: fc.constantFrom('ObjectEvent', 'farm'),
        netContent: fc.record({ value, uom: text }),
        quantity: fc.record({ value, uom: text }),
        eventTimeZoneOffset: fc.option(text),
        quantityList: fc.array(fc.record({ epcClass: text, quantity: value, uom: text })),
        extra: fc.dictionary(text, value),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(
        fc.constantFrom('organization', 'location', 'product', 'lot', 'event' as const),
        fc.oneof(record, fc.anything()),
        (kind, data) => {
          const once = normalizeRecord(kind, data);
          const twice = normalizeRecord(kind, once.data);
          expect(twice.data).toEqual(once.data);
          expect(twice.key).toBe(once.key);
        },
      ),
      { numRuns: 400 },
    );
  });
});
