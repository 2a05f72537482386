import {
  hasValidTaxCodeCheckDigit,
  normalizeTaxCode,
  taxCodeCheckDigit,
  taxCodeKind,
} from './tax-code';

describe('tax codes (mã số thuế)', () => {
  it('holds for tax codes published by well-known companies', () => {
    // Vinamilk, FPT, Viettel, MB: as printed on their invoices and registrations.
    for (const code of ['0300588569', '0101248141', '0100109106', '0100283873', '0100109106-151'])
      expect({ code, valid: hasValidTaxCodeCheckDigit(code) }).toEqual({ code, valid: true });
  });

  it('finds a mistyped digit', () => {
    expect(hasValidTaxCodeCheckDigit('0300588568')).toBe(false);
    expect(hasValidTaxCodeCheckDigit('0300588596')).toBe(false);
    expect(taxCodeCheckDigit('030058856')).toBe(9);
    expect(taxCodeCheckDigit('12345678')).toBeUndefined();
  });

  it('tells organisations, dependent units and personal identification numbers apart', () => {
    expect(taxCodeKind('0300588569')).toBe('organization');
    expect(taxCodeKind('0300588569-001')).toBe('dependent-unit');
    expect(taxCodeKind('079203001234')).toBe('personal-id');
    expect(taxCodeKind('0300588569001')).toBeUndefined();
    expect(taxCodeKind('30058856')).toBeUndefined();
  });

  it('writes a branch code with its hyphen', () => {
    expect(normalizeTaxCode('0300588569001')).toBe('0300588569-001');
    expect(normalizeTaxCode('0300588569 - 001')).toBe('0300588569-001');
    expect(normalizeTaxCode('0300588569')).toBe('0300588569');
    expect(normalizeTaxCode('079203001234')).toBe('079203001234');
  });
});
