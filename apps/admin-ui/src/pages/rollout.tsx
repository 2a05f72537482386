import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type ProvincePage } from '../api';
import { AlertsPanel } from '../components/alerts-panel';
import { DataTable } from '../components/data-table';
import { Badge, ErrorMessage, Loading, Num, PageHeader } from '../components/ui';
import { useLoad } from '../hooks';

const STAGES = ['no-system', 'draft', 'testing', 'syncing'] as const;
const SUMMARY_KEY = {
  'no-system': 'noSystem',
  draft: 'draft',
  testing: 'testing',
  syncing: 'syncing',
} as const;

/** The national roll-out: every province by how far its systems have come (GET /v1/admin/provinces). */
export function RolloutPage() {
  const { t } = useTranslation();
  const [stage, setStage] = useState<string>('');
  const { data, error } = useLoad(
    (signal) => api<ProvincePage>('/v1/admin/provinces', { signal }),
    [],
    30_000,
  );
  const items = data?.items.filter((p) => !stage || p.stage === stage) ?? [];
  return (
    <>
      <PageHeader title={t('rollout.title')} />
      <ErrorMessage error={error} />
      <AlertsPanel />
      {!data && !error && <Loading />}
      {data && (
        <>
          <ul className="cards" aria-label={t('rollout.summary')}>
            <li className="card">
              <span className="card-value">
                <Num value={data.summary.provinces} />
              </span>
              <span className="card-label">{t('rollout.provinces')}</span>
            </li>
            {STAGES.map((s) => (
              <li className={`card card-${s}`} key={s}>
                <span className="card-value" data-testid={`rollout-${s}`}>
                  <Num value={data.summary[SUMMARY_KEY[s]]} />
                </span>
                <span className="card-label">{t(`rollout.${s}`)}</span>
              </li>
            ))}
          </ul>
          <div className="toolbar">
            <label htmlFor="stage-filter">{t('rollout.filter')}</label>
            <select id="stage-filter" value={stage} onChange={(e) => setStage(e.target.value)}>
              <option value="">{t('common.all')}</option>
              {STAGES.map((s) => (
                <option key={s} value={s}>
                  {t(`rollout.${s}`)}
                </option>
              ))}
            </select>
          </div>
          <DataTable
            caption={t('rollout.title')}
            rows={items}
            rowKey={(p) => p.code}
            columns={[
              { id: 'code', header: t('rollout.code'), cell: (p) => p.code, sortValue: (p) => p.code },
              {
                id: 'name',
                header: t('rollout.province'),
                rowHeader: true,
                cell: (p) => p.name,
                sortValue: (p) => p.name,
              },
              {
                id: 'stage',
                header: t('rollout.stage'),
                cell: (p) => <Badge kind="rollout" value={p.stage} />,
                sortValue: (p) => STAGES.indexOf(p.stage),
              },
              {
                id: 'sources',
                header: t('rollout.sources'),
                sortValue: (p) => p.sources.length,
                cell: (p) =>
                  p.sources.length === 0 ? (
                    <span className="muted">—</span>
                  ) : (
                    <ul className="plain">
                      {p.sources.map((s) => (
                        <li key={s.key}>
                          {s.name} (<code>{s.key}</code>) <Badge kind="stage" value={s.stage} />
                        </li>
                      ))}
                    </ul>
                  ),
              },
            ]}
          />
        </>
      )}
    </>
  );
}
