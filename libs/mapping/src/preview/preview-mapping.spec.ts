import fc from 'fast-check';
import { SOURCE_FORMATS } from '../parsing/parse-payload';
import { mapPayload } from './map-payload';
import { parsePayload } from '../parsing/parse-payload';
import { previewMapping } from './preview-mapping';
import { closeMappingSandbox } from '../sandbox/mapping-sandbox';

const NOW = new Date('2026-04-01T00:00:00Z');
const mapping = (expression: string) => ({ language: 'jsonata' as const, expression });
const EVENT = {
  type: 'ObjectEvent',
  eventTime: '2026-03-01T08:00:00+07:00',
  action: 'OBSERVE',
  bizStep: 'receiving',
  epcList: ['https://id.gs1.org/01/08936090000014/21/1'],
};
const DOC = JSON.stringify({ type: 'EPCISDocument', epcisBody: { eventList: [EVENT] } });

afterAll(() => closeMappingSandbox());

describe('previewMapping', () => {
  it('returns normalised, keyed, validated records', async () => {
    const r = await previewMapping({
      format: 'json',
      body: '{"sp": {"g": "8936012000016", "ten": " Gạo ", "kl": "5 kg"}}',
      mapping: mapping(
        '{"products": sp.{"gtin": g, "name": ten, "ownerTaxCode": "0300588569", "netContent": $quantity(kl)}}',
      ),
      now: NOW,
    });
    expect(r).toEqual({
      findings: [],
      records: [
        {
          kind: 'product',
          key: 'gtin:08936012000016',
          data: {
            gtin: '08936012000016',
            name: 'Gạo',
            ownerTaxCode: '0300588569',
            netContent: { value: 5, uom: 'KGM' },
          },
          // Valid under the contract; the circular's fuller list (image, producer, standards) is a warning.
          findings: [expect.objectContaining({ code: 'CIRCULAR_MINIMUM', severity: 'warning' })],
        },
      ],
    });
  });

  it('reads an ambiguous number in Vietnamese notation and warns on the record', async () => {
    const r = await previewMapping({
      format: 'json',
      body: '{"lo": {"g": "8936012000016", "so": "L1", "sl": "1.500 kg"}}',
      mapping: mapping('{"lots": lo.{"gtin": g, "lot": so, "quantity": $quantity(sl)}}'),
      now: NOW,
    });
    expect(r.records[0].data).toMatchObject({ quantity: { value: 1500, uom: 'KGM' } });
    expect(r.records[0].findings).toEqual([
      expect.objectContaining({ code: 'NUMBER_AMBIGUOUS', path: '/quantity/value', severity: 'warning' }),
      expect.objectContaining({ code: 'CIRCULAR_MINIMUM', severity: 'warning' }),
    ]);
  });

  it('puts per-record findings on the record and applies the policy', async () => {
    const r = await previewMapping({
      format: 'csv',
      body: 'gtin,ten\n8936012000017,Gạo\n',
      mapping: mapping(
        '{"products": $.{"gtin": gtin, "name": ten, "ownerTaxCode": "0300588569", "netContent": {"value": 1, "uom": "KGM"}}}',
      ),
      policy: { requireProductImage: true },
    });
    expect(r.records[0].findings.filter((f) => !f.severity).map((f) => f.code)).toEqual([
      'GTIN_FORMAT',
      'PORTAL_MINIMUM',
    ]);
  });

  it('answers parse and mapping failures as outer findings', async () => {
    const bad = await previewMapping({ format: 'json', body: '{"a":', mapping: mapping('{}') });
    expect(bad).toEqual({
      records: [],
      findings: [expect.objectContaining({ code: 'MALFORMED_PAYLOAD', where: { line: 1, column: 6 } })],
    });
    const invalid = await previewMapping({ format: 'json', body: '{}', mapping: mapping('{"a": ') });
    expect(invalid.findings).toEqual([
      expect.objectContaining({ code: 'MAPPING_INVALID', position: expect.any(Number) }),
    ]);
    const failed = await previewMapping({ format: 'json', body: '{}', mapping: mapping('{"x": []}') });
    expect(failed.findings).toEqual([
      expect.objectContaining({ code: 'MAPPING_FAILED', details: [expect.objectContaining({ path: '/x' })] }),
    ]);
    const slow = await previewMapping({
      format: 'json',
      body: '{}',
      mapping: mapping('($f := function($x){$f($x+1)}; $f(0))'),
      timeoutMs: 100,
    });
    expect(slow.findings.map((f) => f.code)).toEqual(['MAPPING_TIMEOUT']);
    const missing = await previewMapping({ format: 'xml', body: '<a/>' });
    expect(missing.findings.map((f) => f.code)).toEqual(['MAPPING_INVALID']);
  });

  it('takes EPCIS events without a mapping, and lets a mapping replace the envelope with $events', async () => {
    const plain = await previewMapping({ format: 'epcis-json', body: DOC, now: NOW });
    expect(plain.records).toHaveLength(1);
    expect(plain.records[0]).toMatchObject({
      kind: 'event',
      key: expect.stringMatching(/^ni:\/\/\/sha-256;[0-9a-f]{64}\?ver=CBV2\.0$/),
      findings: [],
    });
    expect(plain.records[0].data).toMatchObject({ eventTimeZoneOffset: '+07:00' });
    const parsed = parsePayload('epcis-json', DOC);
    const withOrg = await mapPayload(
      'epcis-json',
      mapping(
        '{"events": $events, "organizations": [{"taxCode": "2000123456", "name": "HTX Tôm", "provinceCode": "96"}]}',
      ),
      parsed,
    );
    expect(withOrg.events).toHaveLength(1);
    expect(withOrg.organizations).toHaveLength(1);
    const filtered = await mapPayload('epcis-json', mapping('{"events": $events[action = "ADD"]}'), parsed);
    expect(filtered).toEqual({});
  });

  it('never throws, whatever the body and mapping (property)', async () => {
    const expressions = fc.oneof(
      fc.constant('{"products": $}'),
      fc.constant('$'),
      fc.constant('{"events": $events}'),
      fc.constant('{"lots": **.{"lot": $string($)}}'),
      fc.string({ maxLength: 30 }),
    );
    const bodies = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.json().map(String),
      fc.uint8Array({ maxLength: 100 }).map((b) => Buffer.from(b)),
      fc.constant(DOC),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...SOURCE_FORMATS),
        bodies,
        expressions,
        fc.boolean(),
        async (format, body, expression, withMapping) => {
          const result = await previewMapping({
            format,
            body,
            mapping: withMapping ? mapping(expression) : undefined,
            timeoutMs: 200,
          });
          expect(Array.isArray(result.records)).toBe(true);
          expect(Array.isArray(result.findings)).toBe(true);
          for (const f of result.findings) expect(f.code).not.toBe('INTERNAL_ERROR');
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('previewMapping of a runaway mapping', () => {
  // Each spends its time in one built-in call that never returns to the evaluator's own checks.
  const RUNAWAYS: Array<[string, string]> = [
    ['a huge $pad', '($length($pad("", 1e8)); {})'],
    ['a huge range', '{"lots": [1..1e7]}'],
    ['a regular expression that backtracks', `($match("${'a'.repeat(30)}!", /(a+)+$/); {})`],
  ];

  beforeEach(async () => {
    // A warm sandbox process (the last test's was killed): the limit counts from when a process
    // takes the work, and starting one from the TypeScript sources takes a second or two.
    await previewMapping({ format: 'json', body: '{}', mapping: mapping('{}') });
  });

  it.each(RUNAWAYS)(
    'stops %s at its time limit as MAPPING_TIMEOUT, the caller staying responsive',
    async (_, expression) => {
      let longestGap = 0;
      let last = Date.now();
      const timer = setInterval(() => {
        longestGap = Math.max(longestGap, Date.now() - last);
        last = Date.now();
      }, 10);
      const started = Date.now();
      let result;
      try {
        result = await previewMapping({
          format: 'json',
          body: '{}',
          mapping: mapping(expression),
          timeoutMs: 300,
        });
      } finally {
        clearInterval(timer);
        longestGap = Math.max(longestGap, Date.now() - last); // also a block that outlasted the wait
      }
      expect(result.records).toEqual([]);
      expect(result.findings).toEqual([
        expect.objectContaining({
          code: 'MAPPING_TIMEOUT',
          message: expect.stringMatching(/longer than 300 ms/),
        }),
      ]);
      expect(Date.now() - started).toBeLessThan(300 + 1500); // generous: stopped at the limit, not after the call
      expect(longestGap).toBeLessThan(250); // the event loop never waited for the mapping
    },
  );
});
