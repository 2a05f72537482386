import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse as parseYaml } from 'yaml';

/**
 * Generators shared by the fuzz specs (parsers, mapping engine, webhook endpoint): bodies of every
 * source format that are valid, mutated, random, deep, wide or large, and the real sources' mappings.
 */

/**
 * Runs per property. Without `FUZZ_RUNS`, `fallback`: a modest number that keeps `npm test` quick.
 * With it (a positive integer; `test:reliability` sets a large one), `FUZZ_RUNS / cost`, never fewer
 * than `fallback`: a spec whose single run is dear (a mapping evaluation, an HTTP request and a
 * pipeline job) divides the budget so that every fuzz spec takes minutes, not hours, at one `FUZZ_RUNS`.
 */
export function fuzzRuns(fallback: number, cost = 1): number {
  const raw = process.env.FUZZ_RUNS;
  if (raw === undefined || raw === '') return fallback;
  const runs = Number(raw);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`FUZZ_RUNS must be a positive integer, not "${raw}"`);
  return Math.max(fallback, Math.ceil(runs / cost));
}

export type Format = 'json' | 'xml' | 'csv' | 'epcis-json' | 'epcis-xml';
export const FORMATS: readonly Format[] = ['json', 'xml', 'csv', 'epcis-json', 'epcis-xml'];

const ROOT = join(__dirname, '../..');
const FIXTURES = join(ROOT, 'test/fixtures');

/** The provinces' sample bodies per format (test/fixtures), the seeds that mutations start from. */
export function sampleBodies(): Record<Format, string[]> {
  const out: Record<Format, string[]> = { json: [], xml: [], csv: [], 'epcis-json': [], 'epcis-xml': [] };
  const provinces = join(FIXTURES, 'provinces');
  for (const dir of readdirSync(provinces)) {
    for (const file of readdirSync(join(provinces, dir))) {
      if (file.endsWith('.expected.json')) continue;
      const text = readFileSync(join(provinces, dir, file), 'utf8');
      if (file.endsWith('.jsonld')) out['epcis-json'].push(text);
      else if (file.endsWith('.json')) out.json.push(text);
      else if (file.endsWith('.xml')) out.xml.push(text);
      else if (file.endsWith('.csv')) out.csv.push(text);
    }
  }
  for (const file of readdirSync(join(FIXTURES, 'event-hash'))) {
    const text = readFileSync(join(FIXTURES, 'event-hash', file), 'utf8');
    if (file.endsWith('.xml')) out['epcis-xml'].push(text);
    else if (file.endsWith('.json') || file.endsWith('.jsonld')) out['epcis-json'].push(text);
  }
  return out;
}

/** The real sources' definitions (config/sources/*.yaml): key, format and mapping. */
export function sourceDefinitions(): Array<{ key: string; format: Format; expression: string }> {
  const dir = join(ROOT, 'config/sources');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => parseYaml(readFileSync(join(dir, f), 'utf8')) as Record<string, unknown>)
    .filter((d) => typeof (d.mapping as { expression?: unknown } | undefined)?.expression === 'string')
    .map((d) => ({
      key: String(d.key),
      format: d.format as Format,
      expression: (d.mapping as { expression: string }).expression,
    }));
}

/** Characters that matter to some parser: delimiters, quotes, brackets, tags, escapes, line ends, Vietnamese. */
const TRICKY = [
  ',',
  ';',
  '"',
  "'",
  '\\',
  '\n',
  '\r\n',
  '\r',
  '{',
  '}',
  '[',
  ']',
  ':',
  '<',
  '>',
  '/',
  '&',
  '&amp;',
  '&#7841;',
  '<!--',
  '-->',
  '<![CDATA[',
  ']]>',
  '<?',
  '?>',
  '<!DOCTYPE a>',
  ' ',
  '\t',
  '\ufeff',
  'ạ',
  'Đ',
  '\u0000',
  '\ud800',
  '0',
  '-1e999',
  'null',
  'true',
  '__proto__',
  'constructor',
];
export const trickyText = fc
  .array(fc.oneof(fc.constantFrom(...TRICKY), fc.string({ maxLength: 4, unit: 'grapheme' })), {
    maxLength: 12,
  })
  .map((parts) => parts.join(''));

/** One edit of a text: insert, delete, replace or duplicate a stretch, at a random place. */
const edit = fc.record({
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  length: fc.nat({ max: 40 }),
  op: fc.constantFrom('insert', 'delete', 'replace', 'duplicate'),
  text: trickyText,
});

/** `base` with a few random edits: what a buggy or hostile exporter sends. */
export function mutated(base: string): fc.Arbitrary<string> {
  return fc.array(edit, { minLength: 1, maxLength: 6 }).map((edits) =>
    edits.reduce((s, e) => {
      const at = Math.floor(e.at * s.length);
      const end = Math.min(s.length, at + e.length);
      switch (e.op) {
        case 'insert':
          return s.slice(0, at) + e.text + s.slice(at);
        case 'delete':
          return s.slice(0, at) + s.slice(end);
        case 'replace':
          return s.slice(0, at) + e.text + s.slice(end);
        default:
          return s.slice(0, end) + s.slice(at, end) + s.slice(end);
      }
    }, base),
  );
}

const name = fc.constantFrom('a', 'b', 'SanPham', 'ten', 'epcis:Event', 'x-1', 'Đơn_vị', '_');
const xmlEscape = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** Well-formed XML documents of random elements, attributes and text. */
export const xmlDocument: fc.Arbitrary<string> = fc
  .letrec<{ el: string }>((tie) => ({
    el: fc
      .tuple(
        name,
        fc.uniqueArray(fc.tuple(fc.constantFrom('id', 'gtin', 'donVi', 'xmlns:e'), fc.string()), {
          maxLength: 3,
          selector: ([k]) => k,
        }),
        fc.array(fc.oneof({ depthSize: 'small' }, fc.string().map(xmlEscape), tie('el')), { maxLength: 4 }),
      )
      .map(([tag, attrs, content]) => {
        const a = attrs.map(([k, v]) => ` ${k}="${xmlEscape(v)}"`).join('');
        return content.length === 0 ? `<${tag}${a}/>` : `<${tag}${a}>${content.join('')}</${tag}>`;
      }),
  }))
  .el.map((root) => `<?xml version="1.0" encoding="UTF-8"?>\n${root}`);

const EVENT_TYPES = [
  'ObjectEvent',
  'AggregationEvent',
  'TransformationEvent',
  'TransactionEvent',
  'AssociationEvent',
];
const epcisEvent = fc.record(
  {
    type: fc.oneof(fc.constantFrom(...EVENT_TYPES), fc.string()),
    eventTime: fc.oneof(fc.constant('2025-07-31T08:00:00+07:00'), fc.string()),
    eventTimeZoneOffset: fc.constantFrom('+07:00', 'x'),
    action: fc.constantFrom('ADD', 'OBSERVE', 'DELETE', ''),
    bizStep: fc.string(),
    epcList: fc.array(fc.oneof(fc.constant('https://id.gs1.org/01/08935049500018/21/SN1'), fc.string()), {
      maxLength: 3,
    }),
    extra: fc.jsonValue({ maxDepth: 3 }),
  },
  { requiredKeys: ['type'] },
);
/** EPCIS 2.0 JSON documents, events or arrays of events, some not quite right. */
export const epcisJsonDocument: fc.Arbitrary<string> = fc
  .oneof(
    fc.array(epcisEvent, { maxLength: 4 }).map((eventList) => ({
      '@context': ['https://ref.gs1.org/standards/epcis/epcis-context.jsonld', { ex: 'https://ex.vn/' }],
      type: 'EPCISDocument',
      schemaVersion: '2.0',
      epcisBody: { eventList },
    })),
    epcisEvent,
    fc.array(epcisEvent, { maxLength: 3 }),
  )
  .map((v) => JSON.stringify(v));

const epcisXmlEvent = fc
  .tuple(
    fc.constantFrom(...EVENT_TYPES, 'UnknownEvent'),
    fc.array(
      fc.oneof(
        fc.string().map((t) => `<eventTime>${xmlEscape(t)}</eventTime>`),
        fc.constant('<action>ADD</action>'),
        fc.string().map((t) => `<bizStep>urn:epcglobal:cbv:bizstep:${xmlEscape(t)}</bizStep>`),
        fc.string().map((t) => `<epcList><epc>${xmlEscape(t)}</epc></epcList>`),
        fc
          .string()
          .map(
            (t) =>
              `<quantityList><quantityElement><quantity>${xmlEscape(t)}</quantity></quantityElement></quantityList>`,
          ),
        fc.string().map((t) => `<e:note e:lang="vi">${xmlEscape(t)}</e:note>`),
        fc.constant('<extension><ilmd><e:lot>L1</e:lot></ilmd></extension>'),
      ),
      { maxLength: 6 },
    ),
  )
  .map(([type, fields]) => `<${type}>${fields.join('')}</${type}>`);
/** EPCIS 1.2/2.0 XML documents with random events and extension fields. */
export const epcisXmlDocument: fc.Arbitrary<string> = fc
  .array(epcisXmlEvent, { maxLength: 4 })
  .map(
    (events) =>
      `<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" xmlns:e="https://ex.vn/" schemaVersion="2.0"><EPCISBody><EventList>${events.join('')}</EventList></EPCISBody></epcis:EPCISDocument>`,
  );

/** A CSV cell as Excel writes it: quoted when it holds the delimiter, a quote or a line break. */
export function csvCell(value: string, delimiter: string, alwaysQuote: boolean): string {
  const needs = value.includes(delimiter) || /["\r\n]/.test(value);
  return needs || alwaysQuote ? `"${value.replace(/"/g, '""')}"` : value;
}

/** A CSV table: header names, rows (some shorter than the header), and how it is written. */
export const csvTable = fc
  .tuple(
    fc.uniqueArray(fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,8}$/), { minLength: 1, maxLength: 8 }),
    fc.constantFrom(',', ';'),
    fc.constantFrom('\n', '\r\n'),
    fc.boolean(),
    fc.boolean(),
  )
  // A one-column header shows no delimiter, and the hub then reads `,` (detectDelimiter): a `;` table
  // needs two columns to say what it is.
  .filter(([names, delimiter]) => delimiter === ',' || names.length > 1)
  .chain(([names, delimiter, eol, alwaysQuote, bom]) =>
    fc
      .array(fc.array(fc.oneof(fc.string(), trickyText), { minLength: 1, maxLength: names.length }), {
        maxLength: 12,
      })
      .map((rows) => ({ names, rows, delimiter, eol, alwaysQuote, bom })),
  );
export type CsvTable = typeof csvTable extends fc.Arbitrary<infer T> ? T : never;

export function writeCsv(t: CsvTable): string {
  const line = (cells: string[]) =>
    cells.map((c) => csvCell(c, t.delimiter, t.alwaysQuote)).join(t.delimiter);
  return `${t.bom ? '\ufeff' : ''}${[line(t.names), ...t.rows.map(line)].join(t.eol)}${t.eol}`;
}

/** Valid-looking bodies of a format. */
export function validBody(format: Format): fc.Arbitrary<string> {
  switch (format) {
    case 'json':
      return fc.jsonValue({ maxDepth: 8 }).map((v) => JSON.stringify(v));
    case 'xml':
      return xmlDocument;
    case 'csv':
      return csvTable.map(writeCsv);
    case 'epcis-json':
      return epcisJsonDocument;
    default:
      return epcisXmlDocument;
  }
}

/** Nesting `depth` levels deep in the format's own structure (arrays/objects, or elements). */
export function nested(format: Format, depth: number, variant: number): string {
  if (format === 'xml' || format === 'epcis-xml') {
    const open = variant % 2 === 0 ? '<a>' : '<b x=">">';
    const close = variant % 2 === 0 ? '</a>' : '</b>';
    return `${open.repeat(depth)}${close.repeat(depth)}`;
  }
  if (format === 'csv') return `a\n${'"'.repeat(depth)}\n`;
  return variant % 2 === 0
    ? `${'['.repeat(depth)}${']'.repeat(depth)}`
    : `${'{"k":'.repeat(depth)}"v"${'}'.repeat(depth)}`;
}

/** Any body a sender could produce for a format: valid, mutated, a mutated sample, random text or bytes. */
export function anyBody(format: Format, samples: readonly string[]): fc.Arbitrary<string | Uint8Array> {
  const valid = validBody(format);
  const options: Array<fc.Arbitrary<string | Uint8Array>> = [
    valid,
    valid.chain(mutated),
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.uint8Array({ maxLength: 200 }),
    fc.integer({ min: 1, max: 300 }).chain((d) => fc.nat({ max: 3 }).map((v) => nested(format, d, v))),
  ];
  if (samples.length > 0) options.push(fc.constantFrom(...samples).chain(mutated));
  return fc.oneof(...options);
}
