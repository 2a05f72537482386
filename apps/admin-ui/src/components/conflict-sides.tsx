import { type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { enc, type Conflict, type ConflictSide } from '../api';
import { DataTable } from './data-table';
import { isWithheld } from '../province-api';
import { DateTime, ProvinceName } from './ui';

interface Row {
  id: string;
  label: string;
  existing: ReactNode;
  incoming: ReactNode;
}

const dash = <span className="muted">—</span>;

/**
 * Who each side of a conflict is and where it came from, side by side: the claimant (name, tax code,
 * GLN, status), the province, source, receipt and time. For GTIN_PREFIX_OWNER the existing side is
 * the GS1 prefix registry's owner of the prefix, as the portal answered it.
 */
export function ConflictSides({ conflict }: { conflict: Conflict }) {
  const { t } = useTranslation();
  const sides = conflict.sides;
  if (!sides) return null;
  const { existing, incoming } = sides;
  // Another province's side (answered to a province account): its province by name, the rest withheld.
  const answered: { existing: unknown; incoming: unknown } = conflict;
  const hidden = {
    existing: isWithheld(answered.existing) ? answered.existing : null,
    incoming: isWithheld(answered.incoming) ? answered.incoming : null,
  };
  const party = (s: ConflictSide, pick: (p: NonNullable<ConflictSide['party']>) => ReactNode): ReactNode =>
    s.party ? (pick(s.party) ?? dash) : dash;
  const origin = (s: ConflictSide, pick: (o: NonNullable<ConflictSide['origin']>) => ReactNode): ReactNode =>
    s.origin ? (
      pick(s.origin)
    ) : s.what === 'registry' ? (
      <span className="muted">{t('conflicts.sides.fromRegistry')}</span>
    ) : (
      dash
    );
  const rows: Row[] = [
    {
      id: 'name',
      label: t('conflicts.sides.name'),
      existing: party(existing, (p) => p.name),
      incoming: party(incoming, (p) => p.name),
    },
    {
      id: 'taxCode',
      label: t('conflicts.sides.taxCode'),
      existing: party(existing, (p) => (
        <Link to={`/records/organization/${enc(`org:${p.taxCode}`)}`}>
          <code>{p.taxCode}</code>
        </Link>
      )),
      incoming: party(incoming, (p) => (
        <Link to={`/records/organization/${enc(`org:${p.taxCode}`)}`}>
          <code>{p.taxCode}</code>
        </Link>
      )),
    },
    {
      id: 'gln',
      label: t('conflicts.sides.gln'),
      existing: party(existing, (p) => p.gln && <code>{p.gln}</code>),
      incoming: party(incoming, (p) => p.gln && <code>{p.gln}</code>),
    },
    {
      id: 'status',
      label: t('conflicts.sides.status'),
      existing: party(existing, (p) =>
        p.status ? (
          <span className={`badge badge-${p.status}`}>
            {t(`conflicts.sides.prefixStatus.${p.status}`, { defaultValue: p.status })}
          </span>
        ) : null,
      ),
      incoming: party(incoming, (p) => (p.status ? t(`conflicts.sides.prefixStatus.${p.status}`) : null)),
    },
    {
      id: 'province',
      label: t('conflicts.sides.province'),
      existing: existing.origin ? (
        <ProvinceName code={existing.origin.provinceCode} />
      ) : (
        party(existing, (p) => p.provinceCode && <ProvinceName code={p.provinceCode} />)
      ),
      incoming: origin(incoming, (o) => <ProvinceName code={o.provinceCode} />),
    },
    {
      id: 'source',
      label: t('conflicts.sides.source'),
      existing: origin(existing, (o) => (
        <Link to={`/sources/${enc(o.source)}`}>{o.sourceName ?? o.source}</Link>
      )),
      incoming: origin(incoming, (o) => (
        <Link to={`/sources/${enc(o.source)}`}>{o.sourceName ?? o.source}</Link>
      )),
    },
    {
      id: 'receipt',
      label: t('conflicts.sides.receipt'),
      existing: origin(existing, (o) => (
        <Link to={`/search?q=${enc(o.receiptId)}`}>
          <code>{o.receiptId}</code>
        </Link>
      )),
      incoming: origin(incoming, (o) => (
        <Link to={`/search?q=${enc(o.receiptId)}`}>
          <code>{o.receiptId}</code>
        </Link>
      )),
    },
    {
      id: 'at',
      label: t('conflicts.sides.at'),
      existing: existing.registry ? (
        <>
          {t('conflicts.sides.askedAt')} <DateTime value={existing.registry.fetchedAt} />
        </>
      ) : (
        origin(existing, (o) => <DateTime value={o.at} />)
      ),
      incoming: origin(incoming, (o) => <DateTime value={o.at} />),
    },
  ];
  const withheldCell = <span className="muted">{t('conflicts.withheld.cell')}</span>;
  for (const which of ['existing', 'incoming'] as const) {
    const side = hidden[which];
    if (!side) continue;
    for (const row of rows) {
      row[which] = row.id === 'province' ? <ProvinceName code={side.provinceCode} /> : withheldCell;
    }
  }
  const existingHeader =
    existing.what === 'registry'
      ? t('conflicts.sides.registry', { prefix: existing.registry?.prefix ?? '' })
      : t('conflicts.existing');
  return (
    <DataTable<Row>
      caption={t('conflicts.sides.caption')}
      className="sides"
      rows={rows}
      rowKey={(r) => r.id}
      rowProps={(r) => ({ 'data-testid': `side-${r.id}` })}
      columns={[
        { id: 'what', header: t('conflicts.sides.what'), rowHeader: true, cell: (r) => r.label },
        { id: 'existing', header: existingHeader, testId: 'side-existing', cell: (r) => r.existing },
        { id: 'incoming', header: t('conflicts.incoming'), testId: 'side-incoming', cell: (r) => r.incoming },
      ]}
    />
  );
}
