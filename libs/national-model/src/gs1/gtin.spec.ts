import fc from 'fast-check';
import { computeCheckDigit, hasValidCheckDigit, withCheckDigit } from './check-digit';
import { isValidGln, isValidSscc } from './gs1-keys';
import { isCset82, isValidLotOrSerial } from './cset82';
import {
  companyPrefixCandidates,
  hasGs1CompanyPrefix,
  isRestrictedGtin,
  isValidGtin,
  nonTradeItemGtin,
  toGtin13,
  toGtin14,
} from './gtin';

describe('GS1 check digit', () => {
  it('computes the check digit of a Vietnamese (893) GTIN-13', () => {
    expect(computeCheckDigit('893504950001')).toBe(8);
    expect(hasValidCheckDigit('8935049500018')).toBe(true);
    expect(hasValidCheckDigit('8935049500017')).toBe(false);
  });

  it('matches the GS1 worked example for an SSCC', () => {
    expect(withCheckDigit('37610425002123456')).toBe('376104250021234569');
  });

  it('detects every single-digit error (property)', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^\d{12}$/),
        fc.integer({ min: 0, max: 11 }),
        fc.integer({ min: 1, max: 9 }),
        (data, pos, delta) => {
          const good = withCheckDigit(data);
          const changed = good.slice(0, pos) + String((Number(good[pos]) + delta) % 10) + good.slice(pos + 1);
          expect(hasValidCheckDigit(changed)).toBe(false);
        },
      ),
    );
  });
});

describe('GTIN', () => {
  it('accepts GTIN-8/12/13/14 with a valid check digit and rejects the rest', () => {
    expect(isValidGtin('8935049500018')).toBe(true);
    expect(isValidGtin('08935049500018')).toBe(true);
    expect(isValidGtin('96385074')).toBe(true);
    expect(isValidGtin('036000291452')).toBe(true);
    expect(isValidGtin('893504950001')).toBe(false);
    expect(isValidGtin('8935049500019')).toBe(false);
    expect(isValidGtin('89350495OOO18')).toBe(false);
  });

  it('pads to GTIN-14 and back', () => {
    expect(toGtin14('8935049500018')).toBe('08935049500018');
    expect(toGtin14('96385074')).toBe('00000096385074');
    expect(toGtin14('8935049500019')).toBeUndefined();
    expect(toGtin13('08935049500018')).toBe('8935049500018');
    expect(toGtin13('18935049500015')).toBeUndefined();
  });

  it('GTIN-13 ⇄ GTIN-14 round-trips (property)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[1-9]\d{11}$/), (body) => {
        const gtin13 = withCheckDigit(body);
        const gtin14 = toGtin14(gtin13)!;
        expect(gtin14).toHaveLength(14);
        expect(isValidGtin(gtin14)).toBe(true);
        expect(toGtin13(gtin14)).toBe(gtin13);
      }),
    );
  });

  it('flags restricted-circulation ranges in every length consistently', () => {
    expect(isRestrictedGtin(withCheckDigit('200000000001'))).toBe(true); // in-store 20
    expect(isRestrictedGtin(withCheckDigit('290000000001'))).toBe(true);
    expect(isRestrictedGtin(withCheckDigit('020000000001'))).toBe(true); // variable measure 02
    expect(isRestrictedGtin(withCheckDigit('040000000001'))).toBe(true);
    expect(isRestrictedGtin(withCheckDigit('0' + '040000000001'))).toBe(true); // same as GTIN-14
    expect(isRestrictedGtin(withCheckDigit('1' + '200000000001'))).toBe(true); // case of an in-store item
    expect(isRestrictedGtin(withCheckDigit('0000000'))).toBe(true); // GTIN-8 starting 0
    expect(isRestrictedGtin(withCheckDigit('2000000'))).toBe(true);
    expect(isRestrictedGtin('000000' + withCheckDigit('2000000'))).toBe(true); // GTIN-8 padded
    expect(isRestrictedGtin('8935049500018')).toBe(false);
    expect(isRestrictedGtin('08935049500018')).toBe(false);
    expect(isRestrictedGtin(withCheckDigit('9638507'))).toBe(false);
    expect(isRestrictedGtin(withCheckDigit('300000000001'))).toBe(false);
  });

  it('names GS1 prefixes that identify no trade item: refund receipts, coupons, demonstration', () => {
    expect(nonTradeItemGtin(withCheckDigit('980000000001'))).toBe('refund-receipt');
    for (const p of ['981', '982', '983', '984', '990', '999', '050', '059'])
      expect(nonTradeItemGtin(withCheckDigit(`${p}000000001`))).toBe('coupon');
    expect(nonTradeItemGtin(withCheckDigit('952000000001'))).toBe('demonstration');
    expect(nonTradeItemGtin(withCheckDigit('1' + '952000000001'))).toBe('demonstration'); // a case of it
    expect(nonTradeItemGtin(withCheckDigit('50000000001'))).toBe('coupon'); // GTIN-12, UPC prefix 5
    expect(nonTradeItemGtin('8935049500018')).toBeUndefined();
    expect(nonTradeItemGtin(withCheckDigit('977000000001'))).toBeUndefined(); // ISSN: a valid trade item
    expect(nonTradeItemGtin(withCheckDigit('985000000001'))).toBeUndefined();
    expect(nonTradeItemGtin(withCheckDigit('9800000'))).toBeUndefined(); // GTIN-8 prefixes are another list
  });

  it('knows that ISSN, ISBN and ISMN GTINs (977-979) have no GS1 company prefix', () => {
    for (const p of ['977', '978', '979'])
      expect(hasGs1CompanyPrefix(withCheckDigit(`${p}604000001`))).toBe(false);
    expect(hasGs1CompanyPrefix('8935049500018')).toBe(true);
    expect(hasGs1CompanyPrefix(withCheckDigit('976000000001'))).toBe(true);
    expect(companyPrefixCandidates(withCheckDigit('978604000001'))).toEqual([]);
  });

  it('gives the registry look-up candidates, longest first', () => {
    expect(companyPrefixCandidates('8935049500018')).toEqual([
      '893504950001',
      '89350495000',
      '8935049500',
      '893504950',
      '89350495',
      '8935049',
    ]);
    expect(companyPrefixCandidates('bad')).toEqual([]);
  });
});

describe('GLN, SSCC, character set 82', () => {
  it('checks GLN and SSCC length and check digit', () => {
    expect(isValidGln('8935049000006')).toBe(isValidGln(withCheckDigit('893504900000')));
    expect(isValidGln(withCheckDigit('893504900000'))).toBe(true);
    expect(isValidGln('893504900000')).toBe(false);
    expect(isValidSscc('376104250021234569')).toBe(true);
    expect(isValidSscc('376104250021234568')).toBe(false);
  });

  it('accepts set-82 lots of 1-20 characters only', () => {
    expect(isValidLotOrSerial('L01-2025/07')).toBe(true);
    expect(isValidLotOrSerial('')).toBe(false);
    expect(isValidLotOrSerial('A'.repeat(21))).toBe(false);
    expect(isValidLotOrSerial('LÔ 01')).toBe(false);
    expect(isCset82('a#b')).toBe(false);
  });
});
