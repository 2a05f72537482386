import { PayloadLimitError } from '../errors/payload-parse.error';
import { readRecords } from '../preview/preview-mapping';
import { parsePayload, type SourceFormat } from './parse-payload';
import { PAYLOAD_LIMITS } from './payload-limits';

const MAX = PAYLOAD_LIMITS.maxDepth;
const jsonArrays = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const xmlNest = (depth: number, inner = '') => `${'<a>'.repeat(depth)}${inner}${'</a>'.repeat(depth)}`;

async function outcome(run: () => unknown): Promise<unknown> {
  try {
    await run();
    return 'parsed';
  } catch (e) {
    return e;
  }
}

describe('nesting depth', () => {
  it('reads JSON exactly maxDepth deep and refuses one level more, where it starts', () => {
    expect(parsePayload('json', jsonArrays(MAX)).data).toBeDefined();
    const text = `{"a":\n ${jsonArrays(MAX)}}`;
    expect(() => parsePayload('json', text)).toThrow(PayloadLimitError);
    expect(() => parsePayload('json', text)).toThrow(
      `the JSON nests arrays and objects deeper than ${MAX} levels, the hub's limit (maxDepth); flatten the structure (line 2, column ${MAX + 1})`,
    );
  });

  it('does not count brackets inside JSON strings, escaped quotes included', () => {
    const text = JSON.stringify({ note: `\\"${'['.repeat(1000)}`, list: [[['x']]] });
    expect(parsePayload('json', text).data).toEqual(JSON.parse(text));
  });

  it.each<[SourceFormat, string]>([
    ['json', `{"products":[{"gtin":"1","x":${jsonArrays(10_000)}}]}`],
    [
      'epcis-json',
      `{"type":"ObjectEvent","eventTime":"2025-01-01T00:00:00Z","eventTimeZoneOffset":"+07:00","action":"OBSERVE","x":${jsonArrays(10_000)}}`,
    ],
    ['xml', `<r>${xmlNest(200)}</r>`],
    [
      'epcis-xml',
      `<EPCISDocument xmlns:e="urn:x"><EPCISBody><EventList><ObjectEvent>${'<e:x>'.repeat(200)}${'</e:x>'.repeat(200)}</ObjectEvent></EventList></EPCISBody></EPCISDocument>`,
    ],
  ])('refuses a deep %s body as a limit before mapping or hashing walks it', async (format, body) => {
    const mapping = format.startsWith('epcis') ? undefined : { language: 'jsonata' as const, expression: '$' };
    const error = await outcome(() => readRecords({ format, mapping, body: Buffer.from(body) }));
    expect(error).toBeInstanceOf(PayloadLimitError);
    expect(error).toMatchObject({ code: 'MALFORMED_PAYLOAD', limit: 'maxDepth', max: MAX });
  });

  it('reads XML exactly maxDepth deep, with comments, CDATA, processing instructions and ">" in attributes', () => {
    const inner = '<!-- <a> --><![CDATA[<a><a>]]><?pi <a>?><b c=">" d=\'/>\'/><e/>';
    const text = `<?xml version="1.0"?>\n${xmlNest(MAX - 1, inner)}`;
    expect(parsePayload('xml', text).format).toBe('xml');
    const deeper = `<?xml version="1.0"?>\n${xmlNest(MAX - 1, '<b c=">"><f/></b>')}`;
    expect(() => parsePayload('xml', deeper)).toThrow(
      new RegExp(`deeper than ${MAX} levels.*\\(line 2, column ${3 * (MAX - 1) + 10}\\)`),
    );
  });

  it('answers any other failure of a parser as a PayloadParseError, never as its own error', () => {
    // Deeper than fast-xml-parser's own nesting guard once the hub's check is out of the way.
    const error = (() => {
      try {
        parsePayload('epcis-xml', '<x>'.repeat(5000));
      } catch (e) {
        return e;
      }
    })();
    expect(error).toMatchObject({ code: 'MALFORMED_PAYLOAD' });
  });
});
