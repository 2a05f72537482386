import { useState, type KeyboardEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

export interface Column<T> {
  id: string;
  /** The column's name, read out with every cell of it. */
  header: ReactNode;
  cell: (row: T) => ReactNode;
  /** The cell that names its row: a `<th scope="row">`, so screen readers announce it with each cell. */
  rowHeader?: boolean;
  /** Right-aligned tabular figures. */
  numeric?: boolean;
  /** Makes the header a sort button (ascending, then descending) on this value. */
  sortValue?: (row: T) => SortValue;
  className?: string;
  /** `data-testid` of the column's cells. */
  testId?: string;
}

type Sort = { id: string; dir: 'ascending' | 'descending' } | null;

const FOCUSABLE = 'a[href], button:not([disabled]), input, select, textarea, [tabindex="0"]';

/**
 * Arrow up/down (and Home/End) move between rows: focus goes to the same position among the focusable
 * controls of the next row, or to the row itself when it has none (rows are then focusable).
 */
function moveBetweenRows(e: KeyboardEvent<HTMLTableSectionElement>): void {
  if (!['ArrowDown', 'ArrowUp', 'Home', 'End'].includes(e.key)) return;
  const target = e.target as HTMLElement;
  if (target.matches('input, select, textarea')) return;
  const row = target.closest('tr');
  const body = e.currentTarget;
  if (!row || row.parentElement !== body) return;
  const rows = [...body.rows];
  const at = rows.indexOf(row);
  const next =
    e.key === 'Home' ? 0 : e.key === 'End' ? rows.length - 1 : at + (e.key === 'ArrowDown' ? 1 : -1);
  if (next < 0 || next >= rows.length || next === at) return;
  const inRow = (r: HTMLTableRowElement): HTMLElement[] => [...r.querySelectorAll<HTMLElement>(FOCUSABLE)];
  const position = Math.max(0, inRow(row).indexOf(target));
  const targets = inRow(rows[next]);
  const to = targets[Math.min(position, targets.length - 1)] ?? rows[next];
  e.preventDefault();
  to.focus();
}

type SortValue = string | number | null | undefined;

function compare(a: SortValue, b: SortValue): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1;
  if (b === null || b === undefined) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), 'vi', { numeric: true });
}

/**
 * The one table of the interface: a caption naming it (shown, or for screen readers only), column
 * headers with scope, a row header, optional sorting by header buttons (`aria-sort`), arrow keys
 * between rows, an empty message, and a horizontally scrollable frame that takes keyboard focus.
 */
export function DataTable<T>({
  caption,
  captionHidden = true,
  columns,
  rows,
  rowKey,
  rowProps,
  empty,
  className,
  colgroup,
  scroll = false,
}: {
  caption: string;
  /** The caption is for screen readers only (the page's heading already names the table). */
  captionHidden?: boolean;
  columns: Array<Column<T> | false | null | undefined>;
  rows: readonly T[];
  /** A stable key of a row (its index in `rows` for rows with no identity of their own). */
  rowKey: (row: T, index: number) => string;
  /** Extra attributes of a row (`data-testid`, a class). */
  rowProps?: (row: T) => Record<string, string | undefined>;
  /** Shown instead of the table when there are no rows. */
  empty?: ReactNode;
  className?: string;
  colgroup?: ReactNode;
  /** Wraps the table in a frame that scrolls sideways (focusable, so the keyboard can scroll it). */
  scroll?: boolean;
}) {
  const { t } = useTranslation();
  const cols = columns.filter((c): c is Column<T> => Boolean(c));
  const [sort, setSort] = useState<Sort>(null);
  if (rows.length === 0 && empty !== undefined) return <p className="muted">{empty}</p>;

  const sortColumn = sort ? cols.find((c) => c.id === sort.id) : undefined;
  const shown =
    sortColumn?.sortValue && sort
      ? [...rows].sort(
          (a, b) =>
            compare(sortColumn.sortValue!(a), sortColumn.sortValue!(b)) * (sort.dir === 'ascending' ? 1 : -1),
        )
      : rows;
  const table = (
    <table className={className}>
      <caption className={captionHidden ? 'visually-hidden' : undefined}>{caption}</caption>
      {colgroup}
      <thead>
        <tr>
          {cols.map((c) => {
            const sorted = sort?.id === c.id ? sort.dir : undefined;
            return (
              <th
                key={c.id}
                scope="col"
                aria-sort={c.sortValue ? (sorted ?? 'none') : undefined}
                className={c.numeric ? 'num' : undefined}
              >
                {c.sortValue ? (
                  <button
                    type="button"
                    className="sort"
                    onClick={() =>
                      setSort(
                        sorted === 'ascending'
                          ? { id: c.id, dir: 'descending' }
                          : { id: c.id, dir: 'ascending' },
                      )
                    }
                    title={t('table.sortBy')}
                  >
                    {c.header}
                    <span aria-hidden="true" className="sort-mark">
                      {sorted === 'ascending' ? '▲' : sorted === 'descending' ? '▼' : '↕'}
                    </span>
                  </button>
                ) : (
                  c.header
                )}
              </th>
            );
          })}
        </tr>
      </thead>
      <tbody onKeyDown={moveBetweenRows}>
        {shown.map((row) => (
          <tr key={rowKey(row, rows.indexOf(row))} tabIndex={-1} {...(rowProps?.(row) ?? {})}>
            {cols.map((c) => {
              const cls = [c.numeric ? 'num' : '', c.className ?? ''].join(' ').trim() || undefined;
              return c.rowHeader ? (
                <th key={c.id} scope="row" className={cls} data-testid={c.testId}>
                  {c.cell(row)}
                </th>
              ) : (
                <td key={c.id} className={cls} data-testid={c.testId}>
                  {c.cell(row)}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
  if (!scroll) return table;
  return (
    // A region that scrolls sideways must be reachable by keyboard (WCAG 2.1.1): it takes focus.
    <div className="table-wrap" role="region" aria-label={caption} tabIndex={0}>
      {table}
    </div>
  );
}
