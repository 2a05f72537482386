import { PayloadParseError } from '../errors/payload-parse.error';
import { decodeUtf8 } from './utf8-text';

export type CsvRow = Record<string, string>;

interface RawRecord {
  fields: string[];
  line: number;
}

/**
 * The delimiter of a file: `,` (RFC 4180), or `;` when the header line has `;` and no `,` —
 * Excel writes `;` on machines set to Vietnamese regional settings, where `,` is the decimal mark.
 */
export function detectDelimiter(text: string): ',' | ';' {
  const nl = text.search(/\r?\n/);
  const header = nl < 0 ? text : text.slice(0, nl);
  return header.includes(';') && !header.includes(',') ? ';' : ',';
}

/** RFC 4180 records: quoted fields, `""` escapes, CRLF or LF, newlines inside quotes. */
export function splitCsvRecords(text: string, delimiter: string): RawRecord[] {
  const records: RawRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let col = 1;
  let recordLine = 1;
  let i = 0;
  const endRecord = () => {
    fields.push(field);
    // A line with nothing on it (trailing newline, blank line) is not a record.
    if (!(fields.length === 1 && fields[0] === '')) records.push({ fields, line: recordLine });
    fields = [];
    field = '';
  };
  while (i < text.length) {
    const c = text[i];
    // Spaces before an opening quote (`a, "b"`) are common in hand-written files and carry nothing.
    if (c === '"' && field.trim() === '') {
      field = '';
      const openLine = line;
      const openCol = col;
      i++;
      col++;
      for (;;) {
        if (i >= text.length)
          throw new PayloadParseError('a quoted CSV field is never closed (missing ")', {
            line: openLine,
            column: openCol,
          });
        const q = text[i];
        if (q === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            col += 2;
            continue;
          }
          i++;
          col++;
          break;
        }
        if (q === '\n') {
          line++;
          col = 1;
        } else col++;
        field += q;
        i++;
      }
      const next = text[i];
      if (
        next !== undefined &&
        next !== delimiter &&
        next !== '\n' &&
        !(next === '\r' && text[i + 1] === '\n')
      ) {
        throw new PayloadParseError(
          `unexpected "${next}" after a closing quote; a field that contains quotes must be wrapped in quotes with every inner quote doubled ("")`,
          { line, column: col },
        );
      }
      continue;
    }
    if (c === '"') {
      throw new PayloadParseError(
        'a quote inside an unquoted CSV field; wrap the whole field in quotes and double the inner quote ("")',
        { line, column: col },
      );
    }
    if (c === delimiter) {
      fields.push(field);
      field = '';
      i++;
      col++;
      continue;
    }
    if (c === '\n' || (c === '\r' && text[i + 1] === '\n')) {
      endRecord();
      i += c === '\r' ? 2 : 1;
      line++;
      col = 1;
      recordLine = line;
      continue;
    }
    field += c;
    i++;
    col++;
  }
  if (field !== '' || fields.length > 0) endRecord();
  return records;
}

/**
 * A `csv` body → one object per data row, keyed by the trimmed header names. Values are kept
 * exactly as written (no trimming, no number parsing: codes keep their leading zeros). A row with
 * fewer fields than the header gets "" for the missing ones (Excel drops trailing empty cells); a
 * row with more is an error, because the values would land under the wrong names.
 */
export function parseCsvPayload(body: Buffer | string): CsvRow[] {
  const text = decodeUtf8(body);
  const delimiter = detectDelimiter(text);
  const records = splitCsvRecords(text, delimiter);
  if (records.length === 0)
    throw new PayloadParseError('the CSV body is empty; a header row is required', { line: 1, column: 1 });
  const [header, ...rows] = records;
  const names = header.fields.map((n) => n.trim());
  const seen = new Set<string>();
  names.forEach((name, idx) => {
    if (name === '')
      throw new PayloadParseError(`header column ${idx + 1} has no name`, { line: header.line, column: 1 });
    if (seen.has(name))
      throw new PayloadParseError(`header name "${name}" appears twice`, { line: header.line, column: 1 });
    seen.add(name);
  });
  return rows.map((row) => {
    if (row.fields.length > names.length) {
      throw new PayloadParseError(
        `line ${row.line} has ${row.fields.length} fields but the header has ${names.length}; quote values that contain "${delimiter}"`,
        { line: row.line, column: 1 },
      );
    }
    return Object.fromEntries(names.map((name, idx) => [name, row.fields[idx] ?? '']));
  });
}
