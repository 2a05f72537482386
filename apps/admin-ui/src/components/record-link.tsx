import { type ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { enc } from '../api';
import { type Column } from './data-table';

/** The route of a record's page. */
export const recordPath = (kind: string, key: string): string => `/records/${kind}/${enc(key)}`;

/** The route of a receipt's page. */
export const receiptPath = (id: string): string => `/receipts/${enc(id)}`;

/** A record's key, as code, linking to its page. */
export function RecordLink({ kind, recordKey }: { kind: string; recordKey: string }) {
  return (
    <Link to={recordPath(kind, recordKey)}>
      <code>{recordKey}</code>
    </Link>
  );
}

/**
 * The column that names each row of a table of records: its key, linking to the record, sorted by
 * key; `after` adds to the cell (a badge).
 */
export function recordKeyColumn<T extends { kind: string; key: string }>(
  header: ReactNode,
  after?: (row: T) => ReactNode,
): Column<T> {
  return {
    id: 'key',
    header,
    rowHeader: true,
    sortValue: (r) => r.key,
    cell: (r) => (
      <>
        <RecordLink kind={r.kind} recordKey={r.key} />
        {after?.(r)}
      </>
    ),
  };
}
