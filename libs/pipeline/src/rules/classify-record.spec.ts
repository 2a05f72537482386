import { prefixDigitsOf, toCandidate } from './classify-record';

const provenance = {
  receiptId: 'r1',
  sourceKey: 'src',
  sourceProvinceCode: '92',
  mappingVersion: 1,
  webhookId: null,
  pollPage: null,
};

describe('toCandidate', () => {
  const data = { gtin: '08935049500018', name: 'Gạo', ownerTaxCode: '0301234567' };
  it('quarantines a record with an error finding but not one with only warnings', () => {
    const warning = { code: 'PORTAL_MINIMUM' as const, message: 'w', path: '', severity: 'warning' as const };
    const error = { code: 'GTIN_FORMAT' as const, message: 'e', path: '/gtin' };
    const warned = toCandidate(
      { kind: 'product', key: 'gtin:08935049500018', data, findings: [warning] },
      0,
      provenance,
    );
    expect(warned.quarantined).toBe(false);
    expect(warned.findings).toEqual([warning]);
    const failed = toCandidate(
      { kind: 'product', key: 'gtin:08935049500018', data, findings: [warning, error] },
      0,
      provenance,
    );
    expect(failed.quarantined).toBe(true);
    expect(failed.findings.map((f) => f.severity)).toEqual(['warning', undefined]);
  });
});

describe('prefixDigitsOf (what the GS1 prefix registry is asked about)', () => {
  it('asks about the GTIN-13 body of an ordinary GTIN', () => {
    expect(prefixDigitsOf('gtin:08935049500018')).toBe('893504950001');
  });

  it('skips GTIN-8, restricted numbers and ISSN/ISBN/ISMN GTINs, which have no GS1 company prefix', () => {
    expect(prefixDigitsOf('gtin:00000096385074')).toBeNull();
    expect(prefixDigitsOf('gtin:02000000000015')).toBeNull();
    expect(prefixDigitsOf('gtin:09770000000010')).toBeNull(); // ISSN
    expect(prefixDigitsOf('gtin:09786040000019')).toBeNull(); // ISBN
    expect(prefixDigitsOf('gtin:09790000000018')).toBeNull(); // ISMN / ISBN 979
  });
});
