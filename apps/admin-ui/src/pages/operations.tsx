import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Operation, type OperationPage, query } from '../api';
import { DataTable } from '../components/data-table';
import { isUnfinished, OperationProgressView } from '../components/operation-progress';
import { DateTime, ErrorMessage, Loading, PageHeader } from '../components/ui';
import { useLoad } from '../hooks';

const KINDS = ['replay', 'reconciliation', 'poll-backfill', 'conflict-resolve'] as const;

/**
 * Long work, newest first (docs/operations.md, "Long work"): what each operation is, who asked, and
 * its progress with Cancel while it runs. Read again every 2 s while any is unfinished.
 */
export function OperationsPage() {
  const { t } = useTranslation();
  const [kind, setKind] = useState('');
  const [onlyRunning, setOnlyRunning] = useState(false);
  const [more, setMore] = useState<Operation[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const { data, error, reload } = useLoad(
    async (signal) => {
      const page = await api<OperationPage>(
        `/v1/admin/operations${query({ kind, unfinished: onlyRunning ? 'true' : undefined, limit: '50' })}`,
        { signal },
      );
      setMore([]);
      setCursor(page.nextCursor);
      return page;
    },
    [kind, onlyRunning],
    2000,
  );
  const [moreError, setMoreError] = useState<unknown>(null);
  const loadMore = async () => {
    if (!cursor) return;
    try {
      const page = await api<OperationPage>(
        `/v1/admin/operations${query({ kind, unfinished: onlyRunning ? 'true' : undefined, limit: '50', cursor })}`,
      );
      setMore((prev) => [...prev, ...page.items]);
      setCursor(page.nextCursor);
    } catch (e) {
      setMoreError(e);
    }
  };
  const rows = [...(data?.items ?? []), ...more];

  return (
    <>
      <PageHeader title={t('operation.title')} />
      <p className="muted">{t('operation.intro')}</p>
      <div className="toolbar">
        <label htmlFor="operation-kind">{t('operation.kindLabel')}</label>
        <select id="operation-kind" value={kind} onChange={(e) => setKind(e.target.value)}>
          <option value="">{t('common.all')}</option>
          {KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`operation.kind.${k}`)}
            </option>
          ))}
        </select>
        <label>
          <input type="checkbox" checked={onlyRunning} onChange={(e) => setOnlyRunning(e.target.checked)} />{' '}
          {t('operation.onlyRunning')}
        </label>
      </div>
      <ErrorMessage error={error ?? moreError} />
      {!data && !error && <Loading />}
      {data && (
        <DataTable
          caption={t('operation.title')}
          rows={rows}
          rowKey={(o) => o.id}
          rowProps={(o) => ({ 'data-testid': `operation-${o.id}` })}
          empty={t('operation.none')}
          columns={[
            {
              id: 'created',
              header: t('operation.createdAt'),
              sortValue: (o) => o.createdAt,
              cell: (o) => <DateTime value={o.createdAt} />,
            },
            {
              id: 'what',
              header: t('operation.what'),
              rowHeader: true,
              sortValue: (o) => o.kind,
              cell: (o) => (
                <>
                  {t(`operation.kind.${o.kind}`, { defaultValue: o.kind })}
                  {o.sourceKey && (
                    <>
                      {' '}
                      <code>{o.sourceKey}</code>
                    </>
                  )}
                  {o.provinceCode && !o.sourceKey && <> · {o.provinceCode}</>}
                  {Object.keys(o.params).length > 0 && (
                    <div className="small muted">{JSON.stringify(o.params)}</div>
                  )}
                </>
              ),
            },
            {
              id: 'actor',
              header: t('operation.actor'),
              sortValue: (o) => o.actor,
              cell: (o) => <code>{o.actor}</code>,
            },
            {
              id: 'progress',
              header: t('operation.progress'),
              sortValue: (o) => (isUnfinished(o) ? 0 : 1),
              cell: (o) => <OperationProgressView operation={o} onChanged={reload} />,
            },
          ]}
        />
      )}
      {cursor && (
        <button type="button" className="secondary" onClick={() => void loadMore()}>
          {t('common.more')}
        </button>
      )}
    </>
  );
}
