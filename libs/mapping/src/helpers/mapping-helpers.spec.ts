import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileMapping } from '../engine/compile-mapping';
import { evaluateMapping } from '../engine/evaluate-mapping';
import { MAPPING_HELPERS } from './mapping-helpers';
import { parseVnNumber } from './vn-number';

/** Evaluates `expr` as a mapping and returns products[0].v, so helpers are tested through JSONata. */
async function value(expr: string): Promise<unknown> {
  const env = await evaluateMapping(
    compileMapping({ language: 'jsonata', expression: `{"products": [{"v": ${expr}}]}` }),
    {},
  );
  return (env.products?.[0] as unknown as { v: unknown }).v;
}

describe('mapping helpers', () => {
  it('$gs1 reads element strings, raw strings with GS, Digital Links and EPC URNs', async () => {
    expect(await value('$gs1("(01)08936012000016(10)ST25-01(17)270312")')).toMatchObject({
      gtin14: '08936012000016',
      lot: 'ST25-01',
      expiryDate: '2027-03-12',
    });
    expect(await value('$gs1("]d20108936012000016" & "10L1\\u001d17270312")')).toMatchObject({
      gtin14: '08936012000016',
      lot: 'L1',
      expiryDate: '2027-03-12',
    });
    expect(await value('$gs1("https://qr.cantho.gov.vn/01/8936012000016/21/S%2F1")')).toMatchObject({
      gtin14: '08936012000016',
      serial: 'S/1',
    });
    expect(await value('$gs1("urn:epc:id:sgtin:8936012.000001.77")')).toMatchObject({
      gtin14: '08936012000016',
      serial: '77',
    });
    expect(await value('$gs1("(01)08936012000017").error')).toMatch(/check digit/);
  });

  it('$gtin14 pads valid GTINs and passes bad ones through for validation', async () => {
    expect(await value('$gtin14("8936012000016")')).toBe('08936012000016');
    expect(await value('$gtin14(" 8936012000017 ")')).toBe('8936012000017');
    expect(await value('$gtin14(["8936012000016", "96385074"])')).toEqual([
      '08936012000016',
      '00000096385074',
    ]);
  });

  it('$digitalLink, $sgln, $sscc, $checkDigit, $gs1Date', async () => {
    expect(await value('$digitalLink("8936012000016", "L 1/2")')).toBe(
      'https://id.gs1.org/01/08936012000016/10/L%201%2F2',
    );
    expect(await value('$digitalLink("8936012000016", null, "S1")')).toBe(
      'https://id.gs1.org/01/08936012000016/21/S1',
    );
    expect(await value('$sgln("8936012000108")')).toBe('https://id.gs1.org/414/8936012000108');
    expect(await value('$sgln("8936012000108", "KHO-2")')).toBe(
      'https://id.gs1.org/414/8936012000108/254/KHO-2',
    );
    expect(await value('$sscc("089360900000000014")')).toBe('https://id.gs1.org/00/089360900000000014');
    expect(await value('$checkDigit("893601200001")')).toBe('8936012000016');
    expect(await value('$gs1Date("270312")')).toBe('2027-03-12');
  });

  it('$uom maps Vietnamese units and passes unknown ones through', async () => {
    expect(await value('$uom(["kg", "Ký", "gam", "hộp", "thùng", "ml", "KGM"])')).toEqual([
      'KGM',
      'KGM',
      'GRM',
      'BX',
      'CT',
      'MLT',
      'KGM',
    ]);
    expect(await value('$uom("tạ")')).toBe('tạ');
  });

  it('$quantity splits value and unit', async () => {
    expect(await value('$quantity("2,5 kg")')).toEqual({ value: 2.5, uom: 'KGM' });
    expect(await value('$quantity("1.200 bao", null, ",")')).toEqual({ value: 1200, uom: 'BG' });
    expect(await value('$quantity("500", "gam")')).toEqual({ value: 500, uom: 'GRM' });
    expect(await value('$quantity("nhiều kg")')).toEqual({ value: 'nhiều kg', uom: undefined });
  });

  it('$province resolves legacy codes and names; $provinceCode only tidies', async () => {
    expect(await value('$province("72")')).toBe('80');
    expect(await value('$province("84")')).toBe('86');
    expect(await value('$province("Trà Vinh")')).toBe('86');
    expect(await value('$province(4)')).toBe('04');
    expect(await value('$province("99")')).toBe('99');
    expect(await value('$provinceCode("Tỉnh Trà Vinh")')).toBe('84');
    expect(await value('$provinceCode("tp cần thơ")')).toBe('92');
  });

  it('$vnDate and $vnDateTime', async () => {
    expect(await value('$vnDate(["12/03/2026", "1/2/2026", "05-03-2026", "2026-03-05"])')).toEqual([
      '2026-03-12',
      '2026-02-01',
      '2026-03-05',
      '2026-03-05',
    ]);
    expect(await value('$vnDate("31/02/2027")')).toBe('31/02/2027'); // not a date: left for validation
    expect(await value('$vnDateTime("12/03/2026 07:30")')).toBe('2026-03-12T07:30:00+07:00');
    expect(await value('$vnDateTime("12/03/2026 7:30:15")')).toBe('2026-03-12T07:30:15+07:00');
    expect(await value('$vnDateTime("2026-03-12T07:30:00Z")')).toBe('2026-03-12T07:30:00Z');
    expect(await value('$vnDateTime("12/03/2026 25:00")')).toBe('12/03/2026 25:00');
  });

  it('$number follows the documented separator rule', async () => {
    expect(
      await value('$number(["1.234,5", "2,5", "2.5", "1,234.5", "1.234.567", "1,234,567", "-3"])'),
    ).toEqual([1234.5, 2.5, 2.5, 1234.5, 1234567, 1234567, -3]);
    // Vietnamese notation by default; a value English would read otherwise is left for the
    // normaliser to read and report (NUMBER_AMBIGUOUS), never guessed silently.
    expect(parseVnNumber('1.500')).toBe(1500);
    expect(await value('$number("1.500")')).toBe('1.500');
    expect(await value('$quantity("1.500 kg")')).toEqual({ value: '1.500', uom: 'KGM' });
    expect(await value('$number("1.500", ".")')).toBe(1.5);
    expect(await value('$number("1.234", ",")')).toBe(1234);
    expect(await value('$number("1,234", ".")')).toBe(1234);
    expect(await value('$number("12 kg")')).toBe('12 kg');
    expect(parseVnNumber('1.23.4')).toBeUndefined();
    expect(parseVnNumber('1,2,3')).toBeUndefined();
  });

  it('$text NFC-normalises and trims; $taxCode strips spaces and dots', async () => {
    expect(await value(`$text("  ${'Cần Thơ'.normalize('NFD')} ")`)).toBe('Cần Thơ');
    expect(await value('$taxCode("0312 345.678-001")')).toBe('0312345678-001');
    expect(await value('$taxCode("0312345678001")')).toBe('0312345678-001');
  });

  it('every helper is documented in docs/mapping-guide.md', () => {
    const guide = readFileSync(join(__dirname, '../../../../docs/mapping-guide.md'), 'utf8');
    for (const name of Object.keys(MAPPING_HELPERS))
      expect({ name, documented: guide.includes(`$${name}(`) }).toEqual({ name, documented: true });
  });
});
