import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  computeEventHash,
  eventHashesFromJsonDocument,
  eventHashesFromXmlDocument,
} from '@txng/national-model';
import { PayloadParseError } from '../errors/payload-parse.error';
import { parsePayload } from './parse-payload';

const FIXTURES = join(__dirname, '../../../../test/fixtures/event-hash');

function parseError(fn: () => unknown): PayloadParseError {
  try {
    fn();
  } catch (e) {
    if (e instanceof PayloadParseError) return e;
    throw e;
  }
  throw new Error('expected a PayloadParseError');
}

describe('json', () => {
  it('parses UTF-8 with or without BOM and keeps NFD text as sent', () => {
    const nfd = 'Cần Thơ'.normalize('NFD');
    const body = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(JSON.stringify({ ten: nfd, ma: '007' })),
    ]);
    expect(parsePayload('json', body)).toEqual({ format: 'json', data: { ten: nfd, ma: '007' } });
  });

  it.each([
    ['{"a": 1,\n  "b": }', 2, 8, 'expected a value'],
    ['{"a": 1\n"b": 2}', 2, 1, 'expected "," or "}"'],
    ['[1, 2,]', 1, 7, 'trailing comma'],
    ['{"a": "x', 1, 7, 'not closed'],
    ["{'a': 1}", 1, 2, 'double quotes'],
    ['', 1, 1, 'empty'],
    ['{"a":1} x', 1, 9, 'after the end'],
  ])('reports %j at line %i column %i', (text, line, column, why) => {
    const e = parseError(() => parsePayload('json', text));
    expect(e.code).toBe('MALFORMED_PAYLOAD');
    expect(e.where).toEqual({ line, column });
    expect(e.message).toContain(why);
  });

  it('refuses bytes that are not UTF-8, saying where', () => {
    const body = Buffer.concat([
      Buffer.from('{"ten":\n "Cà Mau'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('"}'),
    ]);
    const e = parseError(() => parsePayload('json', body));
    expect(e.message).toMatch(/not valid UTF-8.*0xc3/);
    expect(e.where).toEqual({ line: 2, column: 9 });
    // Overlong encoding and a lone surrogate are invalid too.
    expect(() => parsePayload('json', Buffer.from([0x22, 0xc0, 0xaf, 0x22]))).toThrow(/UTF-8/);
    expect(() => parsePayload('json', Buffer.from([0x22, 0xed, 0xa0, 0x80, 0x22]))).toThrow(/UTF-8/);
  });
});

describe('xml', () => {
  it('gives a position even where the validator names none (an unclosed comment before any element)', () => {
    const e = parseError(() => parsePayload('xml', '<!--<a></a>'));
    expect(e.where).toEqual({ line: 1, column: 1 });
    expect(e.message).not.toMatch(/undefined/);
  });

  it('applies the contract conventions: @attributes, #text only beside attributes, strings, trimmed', () => {
    const xml =
      '<?xml version="1.0"?><a ma="007"><b>  0123 </b><b>x &amp; y</b><c donVi="kg">5,5</c><d/><e>&#7841;</e><f>true</f></a>';
    expect(parsePayload('xml', xml).data).toEqual({
      a: {
        '@ma': '007',
        b: ['0123', 'x & y'],
        c: { '@donVi': 'kg', '#text': '5,5' },
        d: '',
        e: 'ạ',
        f: 'true',
      },
    });
  });

  it('refuses a DOCTYPE (XXE, billion laughs) before parsing', () => {
    const bomb =
      '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>\n<a>&lol2;</a>';
    const e = parseError(() => parsePayload('xml', bomb));
    expect(e.message).toMatch(/DOCTYPE/);
    expect(e.where).toEqual({ line: 2, column: 1 });
    expect(() => parsePayload('xml', '<!DOCTYPE a SYSTEM "file:///etc/passwd"><a/>')).toThrow(
      PayloadParseError,
    );
  });

  it('reports malformed XML with line and column', () => {
    const e = parseError(() => parsePayload('xml', '<a>\n  <b>1</c>\n</a>'));
    expect(e.where).toEqual({ line: 2, column: 7 }); // where the wrong closing tag starts
    expect(e.message).toMatch(/not well-formed/);
    expect(() => parsePayload('xml', '   ')).toThrow(/empty/);
  });
});

describe('csv', () => {
  it('reads quoted fields, "" escapes, embedded newlines, CRLF, BOM and keeps leading zeros', () => {
    const csv = '\ufeff ma , ten ,ghiChu\r\n007,"Gạo ""ST25""","dòng 1\r\ndòng 2"\r\n010,Bưởi,\r\n';
    expect(parsePayload('csv', Buffer.from(csv))).toEqual({
      format: 'csv',
      data: [
        { ma: '007', ten: 'Gạo "ST25"', ghiChu: 'dòng 1\r\ndòng 2' },
        { ma: '010', ten: 'Bưởi', ghiChu: '' },
      ],
    });
  });

  it('accepts ";" when the header has ";" and no ","', () => {
    expect(parsePayload('csv', 'a;b\n1,5;"x;y"\n').data).toEqual([{ a: '1,5', b: 'x;y' }]);
    expect(parsePayload('csv', 'a,b;c\n1,2\n').data).toEqual([{ a: '1', 'b;c': '2' }]);
  });

  it('leaves the cells a short row does not have absent, keeps written empty cells, ignores blank lines', () => {
    expect(parsePayload('csv', 'a,b,c\n1\n\n2,3\n4,,\n\n').data).toStrictEqual([
      { a: '1' },
      { a: '2', b: '3' },
      { a: '4', b: '', c: '' },
    ]);
  });

  it('names the line of a row with more fields than the header (counting quoted newlines)', () => {
    const e = parseError(() => parsePayload('csv', 'a,b\n"x\ny",2\n1,2,3\n'));
    expect(e.where).toEqual({ line: 4, column: 1 });
    expect(e.message).toMatch(/line 4 has 3 fields but the header has 2/);
  });

  it('reports an unclosed quote, stray quotes and bad headers', () => {
    expect(parseError(() => parsePayload('csv', 'a,b\n1,"open\n2,3\n')).where).toEqual({
      line: 2,
      column: 3,
    });
    expect(parseError(() => parsePayload('csv', 'a,b\n1,ab"c\n')).where).toEqual({ line: 2, column: 5 });
    expect(parseError(() => parsePayload('csv', 'a,b\n"x"y,1\n')).where).toEqual({ line: 2, column: 4 });
    expect(() => parsePayload('csv', 'a,a\n1,2\n')).toThrow(/appears twice/);
    expect(() => parsePayload('csv', '')).toThrow(/empty/);
  });
});

describe('epcis-json', () => {
  const event = {
    type: 'ObjectEvent',
    eventTime: '2026-03-01T08:00:00+07:00',
    eventTimeZoneOffset: '+07:00',
    action: 'OBSERVE',
    epcList: ['https://id.gs1.org/01/08936090000014/21/1'],
  };

  it('takes events from a document, a query document, one event or an array', () => {
    const doc = { type: 'EPCISDocument', epcisBody: { eventList: [event, event] } };
    const query = {
      type: 'EPCISQueryDocument',
      epcisBody: { queryResults: { resultsBody: { eventList: [event] } } },
    };
    const events = (body: unknown) => {
      const p = parsePayload('epcis-json', JSON.stringify(body));
      return p.format === 'epcis-json' ? p.events : [];
    };
    expect(events(doc)).toHaveLength(2);
    expect(events(query)).toEqual([event]);
    expect(events(event)).toEqual([event]);
    expect(events([event])).toEqual([event]);
  });

  it('refuses documents without events, with a path', () => {
    expect(parseError(() => parsePayload('epcis-json', '{"type":"EPCISDocument"}')).where).toEqual({
      path: '/epcisBody',
    });
    expect(
      parseError(() =>
        parsePayload('epcis-json', '{"type":"EPCISDocument","epcisBody":{"eventList":[{"type":"X"}]}}'),
      ).where,
    ).toEqual({ path: '/epcisBody/eventList/0' });
    expect(() => parsePayload('epcis-json', '{"epcisBody":')).toThrow(PayloadParseError);
  });

  it('gives events the document context, so their keys equal the document hashes', () => {
    for (const f of readdirSync(FIXTURES).filter((n) => n.endsWith('.jsonld'))) {
      const text = readFileSync(join(FIXTURES, f), 'utf8');
      if (/ignoreFields/.test(text)) continue; // a document-level ignore list is not carried per event
      const p = parsePayload('epcis-json', text);
      if (p.format !== 'epcis-json') throw new Error('format');
      expect(p.events.map((e) => computeEventHash(e).hashId)).toEqual(
        eventHashesFromJsonDocument(JSON.parse(text)).map((h) => h.hashId),
      );
    }
  });
});

describe('epcis-xml', () => {
  it('converts EPCIS 1.2 and 2.0 XML events to 2.0 JSON that hashes like the XML (GS1 test vectors)', () => {
    let checked = 0;
    for (const f of readdirSync(FIXTURES).filter((n) => n.endsWith('.xml'))) {
      const xml = readFileSync(join(FIXTURES, f), 'utf8');
      if (/ignoreFields/.test(xml)) continue;
      const p = parsePayload('epcis-xml', xml);
      if (p.format !== 'epcis-xml') throw new Error('format');
      expect({ f, ids: p.events.map((e) => computeEventHash(e).hashId) }).toEqual({
        f,
        ids: eventHashesFromXmlDocument(xml).map((h) => h.hashId),
      });
      checked += p.events.length;
    }
    expect(checked).toBeGreaterThan(30);
  });

  it('writes CBV URNs as bare words and unwraps 1.2 extension elements', () => {
    const xml = `<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:1" schemaVersion="1.2"><EPCISBody><EventList>
      <ObjectEvent><eventTime>2026-03-21T16:20:00+07:00</eventTime><eventTimeZoneOffset>+07:00</eventTimeZoneOffset>
        <baseExtension><eventID>urn:uuid:1</eventID></baseExtension>
        <epcList/><action>ADD</action><bizStep>urn:epcglobal:cbv:bizstep:shipping</bizStep>
        <disposition>urn:epcglobal:cbv:disp:in_transit</disposition><readPoint><id>urn:epc:id:sgln:8936090.00010.0</id></readPoint>
        <bizTransactionList><bizTransaction type="urn:epcglobal:cbv:btt:po">urn:po:1</bizTransaction></bizTransactionList>
        <extension><quantityList><quantityElement><epcClass>urn:epc:class:lgtin:8936090.000001.TS1</epcClass><quantity>200.5</quantity><uom>KGM</uom></quantityElement></quantityList>
          <sourceList><source type="urn:epcglobal:cbv:sdt:owning_party">urn:epc:id:pgln:8936090.00000</source></sourceList></extension>
      </ObjectEvent>
      <extension><TransformationEvent><eventTime>2026-03-19T08:00:00Z</eventTime><eventTimeZoneOffset>+07:00</eventTimeZoneOffset>
        <inputEPCList><epc>urn:epc:id:sgtin:8936090.000001.1</epc></inputEPCList><outputEPCList><epc>urn:epc:id:sgtin:8936090.000002.1</epc></outputEPCList></TransformationEvent></extension>
    </EventList></EPCISBody></epcis:EPCISDocument>`;
    const p = parsePayload('epcis-xml', xml);
    if (p.format !== 'epcis-xml') throw new Error('format');
    expect(p.events).toEqual([
      {
        type: 'ObjectEvent',
        eventTime: '2026-03-21T16:20:00+07:00',
        eventTimeZoneOffset: '+07:00',
        eventID: 'urn:uuid:1',
        epcList: [],
        action: 'ADD',
        bizStep: 'shipping',
        disposition: 'in_transit',
        readPoint: { id: 'urn:epc:id:sgln:8936090.00010.0' },
        bizTransactionList: [{ type: 'po', bizTransaction: 'urn:po:1' }],
        quantityList: [{ epcClass: 'urn:epc:class:lgtin:8936090.000001.TS1', quantity: 200.5, uom: 'KGM' }],
        sourceList: [{ type: 'owning_party', source: 'urn:epc:id:pgln:8936090.00000' }],
      },
      {
        type: 'TransformationEvent',
        eventTime: '2026-03-19T08:00:00Z',
        eventTimeZoneOffset: '+07:00',
        inputEPCList: ['urn:epc:id:sgtin:8936090.000001.1'],
        outputEPCList: ['urn:epc:id:sgtin:8936090.000002.1'],
      },
    ]);
    expect(p.data).toHaveProperty(['epcis:EPCISDocument', '@schemaVersion'], '1.2');
  });

  it('refuses XML without an EventList', () => {
    expect(parseError(() => parsePayload('epcis-xml', '<a><b/></a>')).message).toMatch(/EventList/);
    expect(parseError(() => parsePayload('epcis-xml', '<a>\n<b>')).where).toEqual({ line: 1, column: 1 }); // the tag never closed
  });
});
