import { PayloadLimitError } from '../errors/payload-parse.error';
import { parseCsvPayload } from './csv.parser';
import { PAYLOAD_LIMITS } from './payload-limits';

const header = (columns: number) => Array.from({ length: columns }, (_, i) => `c${i}`).join(',');

function limitError(fn: () => unknown): PayloadLimitError {
  try {
    fn();
  } catch (e) {
    if (e instanceof PayloadLimitError) return e;
    throw e;
  }
  throw new Error('expected a PayloadLimitError');
}

describe('CSV limits', () => {
  it('stores a short row as the cells it has: a wide header cannot multiply a small body in memory', () => {
    // 17 KB: a header at the column limit and 6,000 one-cell rows. Filling every row out to the
    // header's width would hold six million cells (some 60 MB); the rows' own cells need a few.
    const body = `${header(PAYLOAD_LIMITS.csvColumns)}\n${'x\n'.repeat(6000)}`;
    const before = process.memoryUsage().heapUsed;
    const rows = parseCsvPayload(body);
    const grown = process.memoryUsage().heapUsed - before;
    expect(grown).toBeLessThan(512 * body.length);
    expect(rows).toHaveLength(6000);
    expect(Object.keys(rows[5999])).toEqual(['c0']);
  });

  it('refuses a header wider than csvColumns, naming the limit (the 25 KB body that used to exhaust the heap)', () => {
    const body = `${header(3000)}\n${'x\n'.repeat(3000)}`;
    const e = limitError(() => parseCsvPayload(body));
    expect(e).toMatchObject({
      limit: 'csvColumns',
      max: PAYLOAD_LIMITS.csvColumns,
      code: 'MALFORMED_PAYLOAD',
    });
    expect(e.where).toEqual({ line: 1, column: 1 });
    expect(e.message).toMatch(/3000 columns; the hub reads at most 1000 \(csvColumns\)/);
  });

  it('refuses more rows than csvRows and more cells than csvCells, at the line that passes the limit', () => {
    const rows = limitError(() => parseCsvPayload(`a\n${'1\n'.repeat(PAYLOAD_LIMITS.csvRows + 1)}`));
    expect(rows).toMatchObject({ limit: 'csvRows', where: { line: PAYLOAD_LIMITS.csvRows + 2, column: 1 } });

    const width = 500;
    const row = `${Array(width).fill('1').join(',')}\n`;
    const needed = Math.floor(PAYLOAD_LIMITS.csvCells / width) + 1;
    const cells = limitError(() => parseCsvPayload(`${header(width)}\n${row.repeat(needed)}`));
    expect(cells).toMatchObject({ limit: 'csvCells', where: { line: needed + 1, column: 1 } });
  });

  it('refuses a cell longer than csvCellChars, quoted or not, where the cell starts', () => {
    const long = 'x'.repeat(PAYLOAD_LIMITS.csvCellChars + 1);
    expect(limitError(() => parseCsvPayload(`a,b\n1,${long}\n`))).toMatchObject({
      limit: 'csvCellChars',
      where: { line: 2, column: 3 },
    });
    expect(limitError(() => parseCsvPayload(`a,b\n1,"${long}"\n`))).toMatchObject({
      limit: 'csvCellChars',
      where: { line: 2, column: 3 },
    });
    expect(parseCsvPayload(`a\n${'x'.repeat(PAYLOAD_LIMITS.csvCellChars)}\n`)[0].a).toHaveLength(
      PAYLOAD_LIMITS.csvCellChars,
    );
  });

  it('holds a long cell in about its own size, not a piece per character', () => {
    const body = `a\n"${'x'.repeat(PAYLOAD_LIMITS.csvCellChars - 10)}"\n`;
    const before = process.memoryUsage().heapUsed;
    const rows = parseCsvPayload(body);
    const grown = process.memoryUsage().heapUsed - before;
    expect(rows[0].a).toHaveLength(PAYLOAD_LIMITS.csvCellChars - 10);
    expect(grown).toBeLessThan(8 * body.length);
  });

  it('keeps a header named __proto__ an ordinary key', () => {
    const [row] = parseCsvPayload('__proto__,b\n1,2\n');
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
    expect(Object.keys(row)).toEqual(['__proto__', 'b']);
  });
});
