import fc from 'fast-check';
import {
  FORMATS,
  type Format,
  anyBody,
  csvTable,
  fuzzRuns,
  nested,
  sampleBodies,
  writeCsv,
} from '../../../../test/support/fuzz-arbitraries';
import { PayloadLimitError, PayloadParseError } from '../errors/payload-parse.error';
import { parsePayload } from './parse-payload';
import { PAYLOAD_LIMITS } from './payload-limits';

// Property-based fuzzing of every parser. FUZZ_RUNS / 5 runs per property when set (test:reliability).
const RUNS = fuzzRuns(60, 5);
const SAMPLES = sampleBodies();

/** The parse outcome: the parsed payload, or the error; anything but a PayloadParseError fails the property. */
function outcome(format: Format, body: string | Uint8Array): 'parsed' | PayloadParseError {
  try {
    parsePayload(format, typeof body === 'string' ? body : Buffer.from(body));
    return 'parsed';
  } catch (error) {
    if (error instanceof PayloadParseError) return error;
    throw new Error(`${format}: a parser threw ${String(error)} instead of a PayloadParseError`, {
      cause: error,
    });
  }
}

describe.each(FORMATS)('%s parser under fuzzing', (format) => {
  it('parses or throws PayloadParseError, with a position inside the body, for any body', () => {
    fc.assert(
      fc.property(anyBody(format, SAMPLES[format]), (body) => {
        const result = outcome(format, body);
        if (result !== 'parsed' && result.where && 'line' in result.where) {
          const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
          expect(result.where.line).toBeGreaterThanOrEqual(1);
          expect(result.where.line).toBeLessThanOrEqual(text.split('\n').length + 1);
          expect(result.where.column).toBeGreaterThanOrEqual(1);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('reads nesting up to maxDepth and refuses deeper as that limit, never as a crash', () => {
    if (format === 'csv') return; // CSV does not nest; its limits have their own property below.
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 * PAYLOAD_LIMITS.maxDepth }),
        fc.nat({ max: 3 }),
        (depth, variant) => {
          // An EPCIS event that carries the nesting in a field, so the parser gets past the structure checks.
          const inner = nested(format, depth, variant);
          const body =
            format === 'epcis-json'
              ? `{"type":"ObjectEvent","x":${inner}}`
              : format === 'epcis-xml'
                ? `<EPCISDocument><EPCISBody><EventList><ObjectEvent>${inner}</ObjectEvent></EventList></EPCISBody></EPCISDocument>`
                : inner;
          const wrapper = format === 'epcis-json' ? 1 : format === 'epcis-xml' ? 4 : 0;
          const result = outcome(format, body);
          if (depth + wrapper <= PAYLOAD_LIMITS.maxDepth) expect(result).toBe('parsed');
          else {
            expect(result).toBeInstanceOf(PayloadLimitError);
            expect(result).toMatchObject({ limit: 'maxDepth', max: PAYLOAD_LIMITS.maxDepth });
          }
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe('round trips under fuzzing', () => {
  it('reads any JSON value as JSON.parse does (the depth scan never misreads strings)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 10 }), fc.boolean(), (value, pretty) => {
        const text = JSON.stringify(value, null, pretty ? 2 : undefined);
        expect(parsePayload('json', text).data).toEqual(JSON.parse(text));
      }),
      { numRuns: RUNS },
    );
  });

  it('reads any CSV as written: every cell under its header name, cells a short row leaves out absent', () => {
    fc.assert(
      fc.property(csvTable, (table) => {
        const expected = table.rows
          .filter((cells) => !(cells.length === 1 && cells[0] === ''))
          .map((cells) => Object.fromEntries(cells.map((value, i) => [table.names[i], value])));
        expect(parsePayload('csv', writeCsv(table)).data).toStrictEqual(expected);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('limits and memory under fuzzing', () => {
  it('refuses a CSV past csvColumns, and reads one at it, whatever the rows', () => {
    fc.assert(
      fc.property(fc.integer({ min: -3, max: 3 }), fc.nat({ max: 50 }), (over, rows) => {
        const columns = PAYLOAD_LIMITS.csvColumns + over;
        const header = Array.from({ length: columns }, (_, i) => `c${i}`).join(',');
        const result = outcome('csv', `${header}\n${'1\n'.repeat(rows)}`);
        if (over <= 0) expect(result).toBe('parsed');
        else expect(result).toMatchObject({ limit: 'csvColumns' });
      }),
      { numRuns: Math.min(RUNS, 20) },
    );
  });

  // Hostile shapes at a few hundred kilobytes: what they cost the heap, held until measured, must
  // stay within a small multiple of their size (a padded CSV row used to cost header width × rows).
  const hostile: Record<Format, (n: number) => string> = {
    csv: (n) =>
      `${Array.from({ length: PAYLOAD_LIMITS.csvColumns }, (_, i) => `c${i}`).join(',')}\n${'x\n'.repeat(n)}`,
    json: (n) => `[${Array(n).fill('[{}]').join(',')}]`,
    xml: (n) => `<r>${'<a b="1"><c/></a>'.repeat(Math.floor(n / 4))}</r>`,
    'epcis-json': (n) =>
      `[${Array(Math.floor(n / 8))
        .fill('{"type":"ObjectEvent","epcList":["a","b"],"x":[[[]]]}')
        .join(',')}]`,
    'epcis-xml': (n) =>
      `<EPCISDocument><EPCISBody><EventList>${'<ObjectEvent><epcList><epc>a</epc></epcList></ObjectEvent>'.repeat(Math.floor(n / 16))}</EventList></EPCISBody></EPCISDocument>`,
  };
  it.each(FORMATS)('keeps the heap a %s parse needs within a small multiple of the body', (format) => {
    fc.assert(
      fc.property(fc.integer({ min: 20_000, max: 60_000 }), (n) => {
        const body = Buffer.from(hostile[format](n));
        const before = process.memoryUsage().heapUsed;
        const parsed = parsePayload(format, body);
        const grown = process.memoryUsage().heapUsed - before;
        expect(parsed.format).toBe(format);
        expect(grown).toBeLessThan(64 * body.length + 16 * 1024 * 1024);
      }),
      { numRuns: Math.min(RUNS, 3) },
    );
  });
});
