import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, type Overview, type SourceOverview } from '../api';
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

function SourceRow({ s }: { s: SourceOverview }) {
  const { t } = useTranslation();
  const last = s.kind === 'poll' ? s.lastPollAt : s.lastReceiptAt;
  return (
    <tr data-testid={`source-${s.key}`}>
      <th scope="row">
        <Link to={`/sources/${encodeURIComponent(s.key)}`}>{s.name}</Link>
        <br />
        <code className="muted">{s.key}</code>
      </th>
      <td>
        <Badge kind="stage" value={s.stage} />{' '}
        {s.health !== 'healthy' && <Badge kind="health" value={s.health} />}
        {s.lastError && <div className="muted small">{s.lastError}</div>}
      </td>
      <td>
        {t(`overview.lastBy.${s.kind}`)}: <DateTime value={last} />
      </td>
      <td className="num">
        <Lag seconds={s.lagSeconds} pending={s.sync.pending} />
      </td>
      <td className="num" data-testid="rpm">
        <Num value={s.recordsPerMinute} />
      </td>
      <td className="num" data-testid="ready">
        <Num value={s.counts.ready} />
      </td>
      <td className="num" data-testid="synced">
        <Num value={s.counts.synced} />
      </td>
      <td className="num">
        <Link
          to={`/quarantine?status=quarantined&source=${encodeURIComponent(s.key)}`}
          data-testid="quarantined"
        >
          <Num value={s.counts.quarantined} />
        </Link>
      </td>
      <td className="num">
        <Link to="/conflicts" data-testid="conflicts">
          <Num value={s.counts.openConflicts} />
        </Link>
      </td>
      <td className="num">
        <Link to={`/quarantine?status=rejected&source=${encodeURIComponent(s.key)}`}>
          <Num value={s.counts.rejected} />
        </Link>
        {' / '}
        <Link to={`/quarantine?status=failed&source=${encodeURIComponent(s.key)}`}>
          <Num value={s.counts.failed} />
        </Link>
      </td>
      <td>
        {s.sync.available ? (
          <>
            {t('overview.pending', { count: s.sync.pending })}
            <br />
            <span className="muted small">
              {t('overview.lastSynced')}: <DateTime value={s.sync.lastSyncedAt} />
            </span>
          </>
        ) : (
          <span className="muted">{t('overview.syncUnavailable')}</span>
        )}
      </td>
    </tr>
  );
}

/** Per province and source, refreshed by short polling every 5 s (see docs/adr/0003-admin-ui.md). */
export function OverviewPage() {
  const { t } = useTranslation();
  const { data, error } = useLoad(
    (signal) => api<Overview>('/v1/admin/overview', { signal }),
    [],
    OVERVIEW_POLL_MS,
  );
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
          {data.provinces.length === 0 && <p>{t('overview.empty')}</p>}
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
              <div className="table-wrap">
                <table className="overview-table">
                  <colgroup>
                    <col className="col-source" />
                    <col className="col-stage" />
                    <col className="col-last" />
                    <col span={7} />
                    <col className="col-sync" />
                  </colgroup>
                  <thead>
                    <tr>
                      <th scope="col">{t('overview.source')}</th>
                      <th scope="col">{t('overview.stage')}</th>
                      <th scope="col">{t('overview.last')}</th>
                      <th scope="col">{t('overview.lag')}</th>
                      <th scope="col">{t('overview.rpm')}</th>
                      <th scope="col">{t('status.ready')}</th>
                      <th scope="col">{t('status.synced')}</th>
                      <th scope="col">{t('status.quarantined')}</th>
                      <th scope="col">{t('overview.openConflicts')}</th>
                      <th scope="col">{t('overview.rejectedFailed')}</th>
                      <th scope="col">{t('overview.sync')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {p.sources.map((s) => (
                      <SourceRow key={s.key} s={s} />
                    ))}
                  </tbody>
                </table>
              </div>
            </section>
          ))}
        </>
      )}
    </>
  );
}
