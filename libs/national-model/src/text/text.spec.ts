import {
  findProvinceByName,
  isCurrentProvinceCode,
  legacyProvinces,
  provinceName,
  resolveProvinceCode,
} from './provinces';
import { matchKey, normalizeText } from './vietnamese-text';

describe('Vietnamese text', () => {
  const nfc = 'Cần Thơ';
  const nfd = nfc.normalize('NFD');

  it('makes NFC and NFD Cần Thơ the same name', () => {
    expect(nfd).not.toBe(nfc);
    expect(normalizeText(`  ${nfd}  `)).toBe(nfc);
  });

  it('collapses whitespace runs', () => {
    expect(normalizeText('Hợp tác xã \t  Rau  sạch\n')).toBe('Hợp tác xã Rau sạch');
  });

  it('matchKey ignores case, diacritics and đ', () => {
    expect(matchKey('ĐỒNG THÁP')).toBe('dong thap');
    expect(matchKey(nfd)).toBe(matchKey('can tho'));
    expect(matchKey('Ki-lô-gam')).toBe('ki-lo-gam');
  });
});

describe('provinces (2025)', () => {
  it('knows the 34 current codes', () => {
    expect(isCurrentProvinceCode('92')).toBe(true);
    expect(provinceName('92')).toBe('Thành phố Cần Thơ');
    expect(isCurrentProvinceCode('94')).toBe(false);
  });

  it('maps a pre-merger code to the province that absorbed it, keeping it', () => {
    expect(resolveProvinceCode('94')).toEqual({
      status: 'legacy',
      provinceCode: '92',
      legacyProvinceCode: '94',
    });
    expect(resolveProvinceCode('92')).toEqual({ status: 'current', provinceCode: '92' });
    expect(resolveProvinceCode('99')).toEqual({ status: 'unknown' });
    for (const old of legacyProvinces()) expect(isCurrentProvinceCode(old.mergedInto)).toBe(true);
  });

  it('finds a province by name without diacritics or prefix', () => {
    expect(findProvinceByName('tp can tho')?.code).toBe('92');
    expect(findProvinceByName('Hồ Chí Minh')?.code).toBe('79');
  });
});
