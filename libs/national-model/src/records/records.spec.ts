import { envelopeSchemaErrors } from './envelope.schema';
import { claimantOf, locationKey, lotKey, organizationKey, productKey, recordKey } from './record-keys';

describe('keys and claimants', () => {
  it('builds the contract keys', () => {
    expect(organizationKey('0301234567-001')).toBe('org:0301234567-001');
    expect(locationKey('8935049000006')).toBe('gln:8935049000006');
    expect(locationKey('8935049000006', 'KHO-1')).toBe('gln:8935049000006:KHO-1');
    expect(productKey('8935049500018')).toBe('gtin:08935049500018');
    expect(lotKey('8935049500018', 'L01/2025')).toBe('lot:08935049500018/L01%2F2025');
    expect(recordKey('lot', { gtin: '08935049500018' })).toBeUndefined();
    expect(
      recordKey('event', {
        type: 'ObjectEvent',
        eventTime: '2025-07-01T08:00:00+07:00',
        eventTimeZoneOffset: '+07:00',
      }),
    ).toMatch(/^ni:\/\/\/sha-256;[0-9a-f]{64}\?ver=CBV2\.0$/);
  });

  it('names the claimant per kind', () => {
    expect(claimantOf('product', { ownerTaxCode: '0301234567' })).toBe('0301234567');
    expect(claimantOf('location', { ownerTaxCode: '0301234567' })).toBe('0301234567');
    expect(claimantOf('lot', { producerTaxCode: '1801234567' })).toBe('1801234567');
    expect(claimantOf('lot', {})).toBeNull();
    expect(claimantOf('organization', { taxCode: '0301234567' })).toBeNull();
  });
});

describe('envelope schema', () => {
  it('accepts arrays of objects and lets field rules through', () => {
    expect(envelopeSchemaErrors({ products: [{ gtin: 'nonsense' }], events: [] })).toEqual([]);
    expect(envelopeSchemaErrors({})).toEqual([]);
  });

  it('reports structure errors with JSON paths', () => {
    const errors = envelopeSchemaErrors({ products: [{}, 'x'], lots: {}, extra: [] });
    expect(errors.map((e) => e.path).sort()).toEqual(['/extra', '/lots', '/products/1']);
    expect(envelopeSchemaErrors([])[0].path).toBe('/');
  });
});
