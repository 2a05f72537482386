import { withCheckDigit } from '@txng/national-model';
import { readSearchQuery } from './search-query';

const GTIN14 = '08935049500018';

describe('readSearchQuery: what a pasted text names', () => {
  it.each([
    [
      'a Digital Link with a lot',
      `https://id.gs1.org/01/${GTIN14}/10/LOT%2F7`,
      'digital-link',
      [`lot:${GTIN14}/LOT%2F7`, `gtin:${GTIN14}`],
    ],
    [
      'an element string',
      `(01)${GTIN14}(10)LOT7`,
      'element-string',
      [`lot:${GTIN14}/LOT7`, `gtin:${GTIN14}`],
    ],
    [
      'an lgtin EPC URN',
      'urn:epc:class:lgtin:8935049.050001.LOT7',
      'epc-urn',
      [`lot:${GTIN14}/LOT7`, `gtin:${GTIN14}`],
    ],
    ['an sgtin EPC URN', 'urn:epc:id:sgtin:8935049.050001.SER1', 'epc-urn', [`gtin:${GTIN14}`]],
    ['a GTIN-13 (also a GLN)', '8935049500018', 'gtin', [`gtin:${GTIN14}`, 'gln:8935049500018']],
    ['a GTIN-14', GTIN14, 'gtin', [`gtin:${GTIN14}`]],
    ['a tax code', '0301234567', 'tax-code', ['org:0301234567']],
    ['a record key', `gtin:${GTIN14}`, 'record-key', [`gtin:${GTIN14}`]],
    ['a receipt id', '0b6f1c1e-8a4e-4d5e-9c1a-2f3b4c5d6e7f', 'receipt-id', []],
    ['a webhook-id', 'msg_2x4', 'text', []],
  ])('reads %s', (_what, text, as, keys) => {
    const q = readSearchQuery(text);
    expect(q.as).toBe(as);
    expect(q.exactKeys).toEqual(keys);
  });

  it('looks for the identifiers events carry: a serial, an SSCC, a GLN', () => {
    expect(readSearchQuery('urn:epc:id:sgtin:8935049.050001.SER1').identifiers).toEqual([
      `https://id.gs1.org/01/${GTIN14}/21/SER1`,
    ]);
    const sscc = withCheckDigit('38935049000000001');
    expect(readSearchQuery(sscc)).toMatchObject({
      as: 'sscc',
      identifiers: [`https://id.gs1.org/00/${sscc}`],
    });
    expect(readSearchQuery('8935049000006').identifiers).toContain('https://id.gs1.org/414/8935049000006');
  });

  it('searches a malformed carrier as text instead of failing', () => {
    const q = readSearchQuery('https://id.gs1.org/01/123');
    expect(q.as).toBe('text');
    expect(q.exactKeys).toEqual([]);
  });
});
