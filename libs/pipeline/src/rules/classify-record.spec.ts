import { prefixDigitsOf } from './classify-record';

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
