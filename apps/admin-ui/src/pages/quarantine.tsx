import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { api, query, type RecordPage, type RecordView, type ReplayAnswer, type SourcePage } from '../api';
import { useAuth } from '../auth';
import { DataTable } from '../components/data-table';
import { OperationProgress, UnfinishedOperations } from '../components/operation-progress';
import { ErrorMessage, Findings, Loading, Num, PageHeader } from '../components/ui';
import { useLoad } from '../hooks';
import { replayMessage } from '../replay-message';
import { recordKeyColumn } from '../components/record-link';

const STATUSES = ['quarantined', 'rejected', 'failed'] as const;
type HeldStatus = (typeof STATUSES)[number];
const PAGE = 200;

/** Records held back, grouped by finding code, with replay per source after a fix. */
export function QuarantinePage() {
  const { t, i18n } = useTranslation();
  const { can } = useAuth();
  const [params, setParams] = useSearchParams();
  const status = (STATUSES as readonly string[]).includes(params.get('status') ?? '')
    ? (params.get('status') as HeldStatus)
    : 'quarantined';
  const source = params.get('source') ?? '';
  const [result, setResult] = useState<string | null>(null);
  const [replayError, setReplayError] = useState<unknown>(null);
  /** The replay asked for here: its progress is shown until the page changes filter. */
  const [started, setStarted] = useState<string | null>(null);
  const sources = useLoad((signal) => api<SourcePage>('/v1/admin/sources', { signal }), []);
  const { data, error, reload } = useLoad(
    (signal) =>
      api<RecordPage>(`/v1/admin/records${query({ status, sourceKey: source, limit: String(PAGE) })}`, {
        signal,
      }),
    [status, source],
    10_000,
  );

  const groups = new Map<string, RecordView[]>();
  for (const r of data?.items ?? []) {
    const codes = r.findings.length > 0 ? [...new Set(r.findings.map((f) => f.code))] : ['—'];
    for (const code of codes) groups.set(code, [...(groups.get(code) ?? []), r]);
  }

  /** The whole source, or (`findingCode`) only the receipts holding a record with that finding. */
  const replay = async (findingCode?: string) => {
    setReplayError(null);
    setResult(null);
    try {
      const answer = await api<ReplayAnswer>('/v1/admin/replay', {
        method: 'POST',
        body: { status, sourceKey: source, ...(findingCode ? { findingCode } : {}) },
      });
      setResult(replayMessage(t, answer));
      setStarted(answer.operationId ?? null);
      reload();
    } catch (e) {
      setReplayError(e);
    }
  };

  const set = (next: Record<string, string>) => {
    setStarted(null);
    setParams({ status, ...(source ? { source } : {}), ...next });
  };

  return (
    <>
      <PageHeader title={t('quarantine.title')} />
      <div className="toolbar">
        <div role="tablist" aria-label={t('quarantine.statuses')}>
          {STATUSES.map((s) => (
            <button
              key={s}
              type="button"
              role="tab"
              aria-selected={s === status}
              className={s === status ? 'tab selected' : 'tab'}
              onClick={() => set({ status: s })}
            >
              {t(`status.${s}`)}
            </button>
          ))}
        </div>
        <label htmlFor="source-filter">{t('quarantine.source')}</label>
        <select
          id="source-filter"
          value={source}
          onChange={(e) => {
            setStarted(null);
            setParams(e.target.value ? { status, source: e.target.value } : { status });
          }}
        >
          <option value="">{t('common.all')}</option>
          {sources.data?.items.map((s) => (
            <option key={s.key} value={s.key}>
              {s.name} ({s.key})
            </option>
          ))}
        </select>
        {can('operator') && (
          <button
            type="button"
            disabled={!source}
            onClick={() => void replay()}
            title={source ? undefined : t('quarantine.pickSource')}
          >
            {t('quarantine.replay')}
          </button>
        )}
      </div>
      {can('operator') && !source && <p className="muted">{t('quarantine.pickSource')}</p>}
      {source && (
        <p>
          <Link to={`/sources/${encodeURIComponent(source)}`}>{t('quarantine.editMapping')}</Link>
        </p>
      )}
      {result && (
        <p role="status" className="notice">
          {result}
        </p>
      )}
      {started ? (
        <OperationProgress id={started} onEnded={reload} />
      ) : (
        source && <UnfinishedOperations filter={{ kind: 'replay', sourceKey: source }} />
      )}
      <ErrorMessage error={error ?? replayError} />
      {!data && !error && <Loading />}
      {data && data.items.length === 0 && <p>{t('quarantine.none')}</p>}
      {data?.nextCursor && <p className="muted">{t('quarantine.more', { count: PAGE })}</p>}
      {[...groups.entries()]
        .sort((a, b) => b[1].length - a[1].length)
        .map(([code, records]) => (
          <details key={code} className="group" open={groups.size <= 3} data-testid={`group-${code}`}>
            <summary>
              <code>{code}</code> — <Num value={records.length} /> {t('quarantine.records')}
              {i18n.exists(`finding.${code}`) && <span className="muted"> · {t(`finding.${code}`)}</span>}
            </summary>
            {can('operator') && source && status !== 'failed' && code !== '—' && (
              <button type="button" className="secondary" onClick={() => void replay(code)}>
                {t('quarantine.replayGroup', { code })}
              </button>
            )}
            <DataTable
              caption={t('quarantine.groupCaption', { code })}
              rows={records}
              rowKey={(r) => r.id}
              columns={[
                {
                  id: 'kind',
                  header: t('record.kind'),
                  sortValue: (r) => r.kind,
                  cell: (r) => t(`kind.${r.kind}`, { defaultValue: r.kind }),
                },
                recordKeyColumn(t('record.key')),
                {
                  id: 'source',
                  header: t('record.source'),
                  sortValue: (r) => r.source,
                  cell: (r) => <code>{r.source}</code>,
                },
                {
                  id: 'message',
                  header: t('quarantine.message'),
                  cell: (r) => <Findings findings={r.findings.filter((f) => f.code === code)} />,
                },
              ]}
            />
          </details>
        ))}
    </>
  );
}
