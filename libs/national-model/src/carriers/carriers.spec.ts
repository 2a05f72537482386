import fc from 'fast-check';
import { withCheckDigit } from '../gs1/check-digit';
import { AI_TABLE } from './ai-table';
import { buildDigitalLink, encodeDlValue, parseDigitalLink } from './digital-link';
import { GS, buildBracketedElementString, buildRawElementString, parseElementString } from './element-string';
import { epcUrnToDigitalLink } from './epc-urn';
import { gs1DateToIso } from './gs1-date';
import { type CarrierResult } from './carrier-data';

function data(result: CarrierResult) {
  if (!result.ok) throw new Error(result.error);
  return result.data;
}

describe('GS1 element strings (TCVN 13275:2020)', () => {
  it('parses the bracketed form with derived fields', () => {
    const d = data(parseElementString('(01)08935049500018(10)L01(17)261231'));
    expect(d.ais).toEqual({ '01': '08935049500018', '10': 'L01', '17': '261231' });
    expect(d.gtin14).toBe('08935049500018');
    expect(d.lot).toBe('L01');
    expect(d.expiryDate).toBe('2026-12-31');
  });

  it('parses the raw scanner form with GS separators and a symbology identifier', () => {
    const raw = `]d20108935049500018${'10'}LOT-7${GS}3103001250${'21'}SN001${GS}17260200`;
    const d = data(parseElementString(raw));
    expect(d.lot).toBe('LOT-7');
    expect(d.serial).toBe('SN001');
    expect(d.netWeight).toEqual({ value: 1.25, uom: 'KGM' });
    expect(d.expiryDate).toBe('2026-02-28'); // DD=00 is the last day of the month
  });

  it('reads AI 254, 37, 400 and 410-417', () => {
    const gln = withCheckDigit('893504900000');
    const d = data(
      parseElementString(`(414)${gln}(254)KHO-2(37)24(400)PO 15(410)${gln}`.replace('PO 15', 'PO-15')),
    );
    expect(d.gln).toBe(gln);
    expect(d.glnExtension).toBe('KHO-2');
    expect(d.count).toBe(24);
    expect(d.ais['400']).toBe('PO-15');
  });

  it('reports a wrong check digit, a bad date and an AI it cannot delimit', () => {
    expect(parseElementString('(01)08935049500019').ok).toBe(false);
    expect(parseElementString('(01)08935049500018(17)261332').ok).toBe(false);
    expect(parseElementString('(8003)012345678901231').ok).toBe(false); // GRAI check digit
    // In the raw form an AI outside the table cannot be delimited.
    expect(AI_TABLE.has('8099')).toBe(false);
    expect(parseElementString('8099ABC').ok).toBe(false);
  });

  it('reads every AI of the GS1 table, keeping GTIN and lot beside them', () => {
    const gtin = '08935049500018';
    const d = data(
      parseElementString(
        `(01)${gtin}(10)L01(7003)2512311230(7007)251201251205(7005)27(7006)251130(7008)SHR(7009)VN(7010)01(8008)25120108(8200)https://tinh.gov.vn(235)TPX-1(90)NOI-BO(91)A(99)Z`,
      ),
    );
    expect(d.gtin14).toBe(gtin);
    expect(d.lot).toBe('L01');
    expect(d.ais).toMatchObject({
      '7003': '2512311230',
      '7007': '251201251205',
      '8200': 'https://tinh.gov.vn',
      '90': 'NOI-BO',
      '99': 'Z',
    });
    const raw = data(parseElementString(`]C101${gtin}7003251231123010L01${GS}800825120108${GS}90INTERNAL`));
    expect(raw.ais).toEqual({
      '01': gtin,
      '7003': '2512311230',
      '10': 'L01',
      '8008': '25120108',
      '90': 'INTERNAL',
    });
    expect(AI_TABLE.size).toBeGreaterThan(500);
    expect(AI_TABLE.get('7007')?.title).toBe('HARVEST DATE');
  });

  it('keeps a well-formed AI the table does not know, in the bracketed form', () => {
    expect(AI_TABLE.has('8099')).toBe(false);
    const d = data(parseElementString('(01)08935049500018(8099)ABC-1(10)L7'));
    expect(d.ais).toEqual({ '01': '08935049500018', '8099': 'ABC-1', '10': 'L7' });
    expect(d.lot).toBe('L7');
  });

  it('applies the GS1 century rule', () => {
    expect(gs1DateToIso('991231', 2025)).toBe('1999-12-31');
    expect(gs1DateToIso('750101', 2025)).toBe('2075-01-01');
    expect(gs1DateToIso('760101', 2025)).toBe('1976-01-01');
    expect(gs1DateToIso('240200', 2025)).toBe('2024-02-29');
  });

  it('converts lb to kg for AI 320n', () => {
    expect(data(parseElementString('(01)08935049500018(3202)000100')).netWeight).toEqual({
      value: 0.453592,
      uom: 'KGM',
    });
  });
});

describe('GS1 Digital Link', () => {
  it('parses every primary key, with its qualifiers', () => {
    const cases: Array<[string, Record<string, string>]> = [
      ['https://id.gs1.org/253/4012345000092PO-4711', { '253': '4012345000092PO-4711' }],
      ['https://id.gs1.org/255/40123450000921234', { '255': '40123450000921234' }],
      ['https://id.gs1.org/8003/04012345000221334455', { '8003': '04012345000221334455' }],
      ['https://id.gs1.org/8004/4012345ABC345', { '8004': '4012345ABC345' }],
      ['https://id.gs1.org/8006/040123451111180102/21/987', { '8006': '040123451111180102', '21': '987' }],
      [
        'https://id.gs1.org/8010/061414111111111111111-A%23%2F/8011/1234',
        { '8010': '061414111111111111111-A#/', '8011': '1234' },
      ],
      ['https://id.gs1.org/8017/401234500000000074', { '8017': '401234500000000074' }],
      ['https://id.gs1.org/8018/401234500000067657', { '8018': '401234500000067657' }],
      ['https://id.gs1.org/01/08935049500018/235/TPX-1', { '01': '08935049500018', '235': 'TPX-1' }],
    ];
    for (const [uri, ais] of cases)
      expect({ uri, ais: data(parseDigitalLink(uri)).ais }).toEqual({ uri, ais });
  });

  it('refuses qualifiers out of order, mixed sequences and qualifiers of another key', () => {
    for (const uri of [
      'https://id.gs1.org/01/08935049500018/21/S1/10/L1',
      'https://id.gs1.org/01/08935049500018/10/L1/22/V',
      'https://id.gs1.org/01/08935049500018/10/L1/235/T',
      'https://id.gs1.org/414/8935049000006/21/S1',
      'https://id.gs1.org/00/376104250021234569/10/L1',
    ]) {
      const r = parseDigitalLink(uri);
      expect({ uri, ok: r.ok }).toEqual({ uri, ok: false });
      if (!r.ok) expect(r.error).toMatch(/cannot follow/);
    }
    expect(parseDigitalLink('https://id.gs1.org/01/08935049500018/22/V/10/L1/21/S1').ok).toBe(true);
  });

  it("percent-encodes ' like the other sub-delimiters", () => {
    expect(encodeDlValue("L'01!(*)")).toBe('L%2701%21%28%2A%29');
    expect(buildDigitalLink({ '01': '08935049500018', '10': "O'K" })).toBe(
      'https://id.gs1.org/01/08935049500018/10/O%27K',
    );
  });

  it('parses any domain, short GTINs, percent-encoding and query AIs', () => {
    const d = data(
      parseDigitalLink(
        'https://qr.tinh.gov.vn/truyxuat/01/8935049500018/10/L%2F01/21/A%2BB?17=261231&linkType=gs1:pip',
      ),
    );
    expect(d.gtin14).toBe('08935049500018');
    expect(d.lot).toBe('L/01');
    expect(d.serial).toBe('A+B');
    expect(d.expiryDate).toBe('2026-12-31');
  });

  it('builds the canonical form with qualifiers in GS1 order', () => {
    expect(buildDigitalLink({ '21': 'S(1)', '01': '08935049500018', '10': 'L01', '17': '261231' })).toBe(
      'https://id.gs1.org/01/08935049500018/10/L01/21/S%281%29?17=261231',
    );
  });

  it('converts EPC URNs', () => {
    expect(epcUrnToDigitalLink('urn:epc:id:sgtin:8935049.050001.SN%2F1')).toBe(
      'https://id.gs1.org/01/08935049500018/21/SN%2F1',
    );
    expect(epcUrnToDigitalLink('urn:epc:class:lgtin:8935049.050001.L01')).toBe(
      'https://id.gs1.org/01/08935049500018/10/L01',
    );
    expect(epcUrnToDigitalLink('urn:epc:id:sgln:8935049.00000.0')).toBe(
      `https://id.gs1.org/414/${withCheckDigit('893504900000')}`,
    );
    expect(epcUrnToDigitalLink('urn:epc:id:sgln:8935049.00000.KHO1')).toBe(
      `https://id.gs1.org/414/${withCheckDigit('893504900000')}/254/KHO1`,
    );
    expect(epcUrnToDigitalLink('urn:epc:id:sscc:0614141.1234567890')).toBe(
      'https://id.gs1.org/00/106141412345678908',
    );
    expect(epcUrnToDigitalLink('urn:epc:id:sgtin:123.456')).toBeUndefined();
  });
});

const set82 = fc.stringMatching(/^[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]{1,20}$/);
const gtin14 = fc.stringMatching(/^[0-9]\d{12}$/).map(withCheckDigit);
const yymmdd = fc
  .date({ min: new Date('2000-01-01'), max: new Date('2049-12-31'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(2, 10).replace(/-/g, ''));

describe('round-trips (property)', () => {
  const record = fc.record({ gtin: gtin14, lot: set82, serial: set82, expiry: yymmdd });
  const toAis = (r: { gtin: string; lot: string; serial: string; expiry: string }) => ({
    '01': r.gtin,
    '10': r.lot,
    '21': r.serial,
    '17': r.expiry,
  });

  it('element string ⇄ parsed record ⇄ Digital Link', () => {
    fc.assert(
      fc.property(record, (r) => {
        const ais = toAis(r);
        const raw = data(parseElementString(buildRawElementString(ais, ']C1')));
        expect(raw.ais).toEqual(ais);
        const dl = buildDigitalLink(raw.ais)!;
        const fromDl = data(parseDigitalLink(dl));
        expect(fromDl.ais).toEqual(ais);
        expect(fromDl.gtin14).toBe(r.gtin);
        expect(fromDl.lot).toBe(r.lot);
        expect(buildDigitalLink(fromDl.ais)).toBe(dl);
      }),
    );
  });

  it('bracketed form round-trips for values without parentheses', () => {
    fc.assert(
      fc.property(
        record.filter((r) => !/[()]/.test(r.lot + r.serial)),
        (r) => {
          const ais = toAis(r);
          expect(data(parseElementString(buildBracketedElementString(ais))).ais).toEqual(ais);
        },
      ),
    );
  });
});
