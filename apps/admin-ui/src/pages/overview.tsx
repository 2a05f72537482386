import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, type Overview, type SourceOverview } from '../api';
import { useAuth } from '../auth';
import { AlertsPanel } from '../components/alerts-panel';
import { DataTable, type Column } from '../components/data-table';
import { ActivityCharts } from '../components/activity-charts';
import { UnfinishedOperations } from '../components/operation-progress';
import { ReconcileNow } from '../components/reconcile-now';
import { Badge, DateTime, ErrorMessage, Loading, Num, PageHeader } from '../components/ui';
import { durationParts } from '../format';
import { useLoad } from '../hooks';

export const OVERVIEW_POLL_MS = 5000;

function Lag({ seconds, pending }: { seconds: number; pending: number }) {
  const { t } = useTranslation();
  if (pending === 0) return <span className="muted">{t('overview.noLag')}</span>;
  const { unit, value } = durationParts(seconds);
  return <>{t(`duration.${unit}`, { value: new Intl.NumberFormat('vi-VN').format(value) })}</>;
}

/** The columns of every province's table (one grid, so they line up down the page). */
function useSourceColumns(): Array<Column<SourceOverview>> {
  const { t } = useTranslation();
  const counted = (id: 'ready' | 'synced', header: string): Column<SourceOverview> => ({
    id,
    header,
    numeric: true,
    testId: id,
    sortValue: (s) => s.counts[id],
    cell: (s) => <Num value={s.counts[id]} />,
  });
  return [
    {
      id: 'source',
      header: t('overview.source'),
      rowHeader: true,
      sortValue: (s) => s.name,
      cell: (s) => (
        <>
          <Link to={`/sources/${encodeURIComponent(s.key)}`}>{s.name}</Link>
          <br />
          <code className="muted">{s.key}</code>
        </>
      ),
    },
    {
      id: 'stage',
      header: t('overview.stage'),
      sortValue: (s) => s.stage,
      cell: (s) => (
        <>
          <Badge kind="stage" value={s.stage} />{' '}
          {s.health !== 'healthy' && <Badge kind="health" value={s.health} />}
          {s.lastError && <div className="muted small">{s.lastError}</div>}
        </>
      ),
    },
    {
      id: 'last',
      header: t('overview.last'),
      sortValue: (s) => (s.kind === 'poll' ? s.lastPollAt : s.lastReceiptAt),
      cell: (s) => (
        <>
          {t(`overview.lastBy.${s.kind}`)}:{' '}
          <DateTime value={s.kind === 'poll' ? s.lastPollAt : s.lastReceiptAt} />
        </>
      ),
    },
    {
      id: 'lag',
      header: t('overview.lag'),
      numeric: true,
      sortValue: (s) => (s.sync.pending === 0 ? 0 : s.lagSeconds),
      cell: (s) => <Lag seconds={s.lagSeconds} pending={s.sync.pending} />,
    },
    {
      id: 'rpm',
      header: t('overview.rpm'),
      numeric: true,
      testId: 'rpm',
      sortValue: (s) => s.recordsPerMinute,
      cell: (s) => <Num value={s.recordsPerMinute} />,
    },
    counted('ready', t('status.ready')),
    counted('synced', t('status.synced')),
    {
      id: 'quarantined',
      header: t('status.quarantined'),
      numeric: true,
      sortValue: (s) => s.counts.quarantined,
      cell: (s) => (
        <Link
          to={`/quarantine?status=quarantined&source=${encodeURIComponent(s.key)}`}
          data-testid="quarantined"
        >
          <Num value={s.counts.quarantined} />
        </Link>
      ),
    },
    {
      id: 'conflicts',
      header: t('overview.openConflicts'),
      numeric: true,
      sortValue: (s) => s.counts.openConflicts,
      cell: (s) => (
        <Link to="/conflicts" data-testid="conflicts">
          <Num value={s.counts.openConflicts} />
        </Link>
      ),
    },
    {
      id: 'rejected-failed',
      header: t('overview.rejectedFailed'),
      numeric: true,
      sortValue: (s) => s.counts.rejected + s.counts.failed,
      cell: (s) => (
        <>
          <Link to={`/quarantine?status=rejected&source=${encodeURIComponent(s.key)}`}>
            <Num value={s.counts.rejected} />
          </Link>
          {' / '}
          <Link to={`/quarantine?status=failed&source=${encodeURIComponent(s.key)}`}>
            <Num value={s.counts.failed} />
          </Link>
        </>
      ),
    },
    {
      id: 'sync',
      header: t('overview.sync'),
      sortValue: (s) => s.sync.pending,
      cell: (s) =>
        s.sync.available ? (
          <>
            {t('overview.pending', { count: s.sync.pending })}
            <br />
            <span className="muted small">
              {t('overview.lastSynced')}: <DateTime value={s.sync.lastSyncedAt} />
            </span>
          </>
        ) : (
          <span className="muted">{t('overview.syncUnavailable')}</span>
        ),
    },
  ];
}

/** Per province and source, refreshed by short polling every 5 s (see docs/adr/0003-admin-ui.md). */
export function OverviewPage() {
  const { t } = useTranslation();
  /** Reconciliations started on this page: shown under their province, not again in the list above. */
  const [started, setStarted] = useState<string[]>([]);
  const { province } = useAuth();
  const { data, error, reload } = useLoad(
    (signal) => api<Overview>('/v1/admin/overview', { signal }),
    [],
    OVERVIEW_POLL_MS,
  );
  const columns = useSourceColumns();
  return (
    <>
      <PageHeader title={t('overview.title')}>
        {data && (
          <p className="muted" aria-live="polite">
            {t('overview.updated')} <DateTime value={data.generatedAt} />
          </p>
        )}
      </PageHeader>
      <ErrorMessage error={error} />
      <AlertsPanel />
      {!data && !error && <Loading />}
      {data && (
        <>
          <ul className="cards" aria-label={t('overview.totals')}>
            {(
              [
                'recordsPerMinute',
                'ready',
                'synced',
                'quarantined',
                'openConflicts',
                'rejected',
                'failed',
              ] as const
            ).map((k) => (
              <li className="card" key={k}>
                <span className="card-value" data-testid={`total-${k}`}>
                  <Num value={data.totals[k]} />
                </span>
                <span className="card-label">{t(`overview.total.${k}`)}</span>
              </li>
            ))}
          </ul>
          <UnfinishedOperations filter={{}} exclude={started} />
          {/* The charts' roll-up is the whole hub's: the API does not scope it by province yet. */}
          {data.provinces.length > 0 && !province && (
            <ActivityCharts queues provinces={data.provinces.map((p) => ({ code: p.code, name: p.name }))} />
          )}
          {data.provinces.length === 0 && (
            <p>{province ? t('overview.emptyProvince') : t('overview.empty')}</p>
          )}
          {data.provinces.map((p) => (
            <section key={p.code} aria-labelledby={`province-${p.code}`} className="province">
              <h2 id={`province-${p.code}`}>
                {p.name} <span className="muted">({p.code})</span>
              </h2>
              <p className="muted">
                {t('overview.reconciliation')}:{' '}
                {p.reconciliation ? (
                  <>
                    <DateTime value={p.reconciliation.finishedAt ?? p.reconciliation.startedAt} /> ·{' '}
                    {p.reconciliation.error
                      ? t('overview.reconError', { error: p.reconciliation.error })
                      : p.reconciliation.agreed
                        ? t('overview.reconAgreed')
                        : t('overview.reconDiffering', {
                            count: p.reconciliation.differing,
                            repaired: p.reconciliation.repaired ?? 0,
                          })}{' '}
                    ({t(`target.${p.reconciliation.target}`, { defaultValue: p.reconciliation.target })})
                  </>
                ) : (
                  t('overview.reconNever')
                )}
              </p>
              <ReconcileNow
                code={p.code}
                name={p.name}
                onStarted={(id) => setStarted((ids) => [...ids, id])}
                onEnded={reload}
              />
              <DataTable
                caption={t('overview.sourcesOf', { province: p.name })}
                className="overview-table"
                scroll
                rows={p.sources}
                rowKey={(s) => s.key}
                rowProps={(s) => ({ 'data-testid': `source-${s.key}` })}
                columns={columns}
                colgroup={
                  <colgroup>
                    <col className="col-source" />
                    <col className="col-stage" />
                    <col className="col-last" />
                    <col span={7} />
                    <col className="col-sync" />
                  </colgroup>
                }
              />
            </section>
          ))}
        </>
      )}
    </>
  );
}
