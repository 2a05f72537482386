import { PayloadLimitError, PayloadParseError } from '../errors/payload-parse.error';
import { PAYLOAD_LIMITS } from './payload-limits';
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

const isBlank = (c: string | undefined): boolean => c !== undefined && c !== '\n' && c.trim() === '';

function cellTooLong(where: { line: number; column: number }): PayloadLimitError {
  return new PayloadLimitError(
    `a CSV cell is longer than ${PAYLOAD_LIMITS.csvCellChars} characters, the hub's limit (csvCellChars); check for a quote that is never closed`,
    'csvCellChars',
    PAYLOAD_LIMITS.csvCellChars,
    where,
  );
}

/**
 * RFC 4180 records, one at a time: quoted fields, `""` escapes, CRLF or LF, newlines inside quotes.
 * Cells are slices of the text, never built a character at a time: appending characters one by one
 * makes a chain of string pieces that costs some thirty times the text's size.
 */
export function* csvRecords(text: string, delimiter: string): Generator<RawRecord> {
  const n = text.length;
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const at = (offset: number) => ({ line, column: offset - lineStart + 1 });
  while (i < n) {
    const fields: string[] = [];
    const recordLine = line;
    for (;;) {
      // Spaces before an opening quote (`a, "b"`) are common in hand-written files and carry nothing.
      let j = i;
      while (isBlank(text[j])) j++;
      if (text[j] === '"') {
        const open = j;
        const parts: string[] = [];
        let from = open + 1;
        for (;;) {
          const q = text.indexOf('"', from);
          if (q < 0) throw new PayloadParseError('a quoted CSV field is never closed (missing ")', at(open));
          if (q - open > PAYLOAD_LIMITS.csvCellChars) throw cellTooLong(at(open));
          if (text[q + 1] === '"') {
            parts.push(text.slice(from, q + 1));
            from = q + 2;
            continue;
          }
          parts.push(text.slice(from, q));
          i = q + 1;
          break;
        }
        fields.push(parts.length === 1 ? parts[0] : parts.join(''));
        for (let nl = text.indexOf('\n', open); nl >= 0 && nl < i; nl = text.indexOf('\n', nl + 1)) {
          line++;
          lineStart = nl + 1;
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
            at(i),
          );
        }
      } else {
        let k = i;
        for (; k < n; k++) {
          const c = text[k];
          if (c === delimiter || c === '\n' || c === '"' || (c === '\r' && text[k + 1] === '\n')) break;
        }
        if (text[k] === '"') {
          throw new PayloadParseError(
            'a quote inside an unquoted CSV field; wrap the whole field in quotes and double the inner quote ("")',
            at(k),
          );
        }
        if (k - i > PAYLOAD_LIMITS.csvCellChars) throw cellTooLong(at(i));
        fields.push(text.slice(i, k));
        i = k;
      }
      if (text[i] === delimiter) {
        i++;
        continue;
      }
      if (i < n) {
        i += text[i] === '\r' ? 2 : 1;
        line++;
        lineStart = i;
      }
      break;
    }
    // A line with nothing on it (trailing newline, blank line) is not a record.
    if (!(fields.length === 1 && fields[0] === '')) yield { fields, line: recordLine };
  }
}

/** The trimmed header names, each present and once. */
function headerNames(header: RawRecord): string[] {
  if (header.fields.length > PAYLOAD_LIMITS.csvColumns) {
    throw new PayloadLimitError(
      `the CSV header has ${header.fields.length} columns; the hub reads at most ${PAYLOAD_LIMITS.csvColumns} (csvColumns)`,
      'csvColumns',
      PAYLOAD_LIMITS.csvColumns,
      { line: header.line, column: 1 },
    );
  }
  const names = header.fields.map((n) => n.trim());
  const seen = new Set<string>();
  names.forEach((name, idx) => {
    if (name === '')
      throw new PayloadParseError(`header column ${idx + 1} has no name`, { line: header.line, column: 1 });
    if (seen.has(name))
      throw new PayloadParseError(`header name "${name}" appears twice`, { line: header.line, column: 1 });
    seen.add(name);
  });
  return names;
}

/**
 * A `csv` body → one object per data row, keyed by the trimmed header names. Values are kept
 * exactly as written (no trimming, no number parsing: codes keep their leading zeros). A row with
 * fewer fields than the header (Excel drops trailing empty cells) has only the cells it has: the
 * missing ones are absent, not "", because filling them in would let a short body with a wide
 * header cost header width × rows in memory. A row with more fields than the header is an error,
 * because the values would land under the wrong names.
 */
export function parseCsvPayload(body: Buffer | string): CsvRow[] {
  const text = decodeUtf8(body);
  const delimiter = detectDelimiter(text);
  const records = csvRecords(text, delimiter);
  const first = records.next();
  if (first.done)
    throw new PayloadParseError('the CSV body is empty; a header row is required', { line: 1, column: 1 });
  const names = headerNames(first.value);
  const rows: CsvRow[] = [];
  let cells = 0;
  for (const row of records) {
    if (row.fields.length > names.length) {
      throw new PayloadParseError(
        `line ${row.line} has ${row.fields.length} fields but the header has ${names.length}; quote values that contain "${delimiter}"`,
        { line: row.line, column: 1 },
      );
    }
    if (rows.length === PAYLOAD_LIMITS.csvRows) {
      throw new PayloadLimitError(
        `the CSV body has more than ${PAYLOAD_LIMITS.csvRows} data rows, the hub's limit (csvRows); split it into several deliveries`,
        'csvRows',
        PAYLOAD_LIMITS.csvRows,
        { line: row.line, column: 1 },
      );
    }
    cells += row.fields.length;
    if (cells > PAYLOAD_LIMITS.csvCells) {
      throw new PayloadLimitError(
        `the CSV body has more than ${PAYLOAD_LIMITS.csvCells} cells, the hub's limit (csvCells); split it into several deliveries`,
        'csvCells',
        PAYLOAD_LIMITS.csvCells,
        { line: row.line, column: 1 },
      );
    }
    // fromEntries defines own properties, so a header named "__proto__" is a plain key.
    rows.push(Object.fromEntries(row.fields.map((value, idx) => [names[idx], value])));
  }
  return rows;
}
