import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, type QueuePage, type QueueRetried, type QueueStats } from '../api';
import { useAuth } from '../auth';
import { DataTable } from '../components/data-table';
import { ErrorMessage, Loading, Num, PageHeader } from '../components/ui';
import { useLoad } from '../hooks';

const BOARD = '/admin/queues/board';

export function QueuesPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const { data, error, reload } = useLoad(
    (signal) => api<QueuePage>('/v1/admin/queues', { signal }),
    [],
    5000,
  );
  const [actionError, setActionError] = useState<unknown>(null);
  const [message, setMessage] = useState<string | null>(null);

  const act = async (name: string, action: 'pause' | 'resume' | 'retry-failed') => {
    setActionError(null);
    try {
      const answer = await api<Partial<QueueRetried>>(`/v1/admin/queues/${name}/${action}`, {
        method: 'POST',
      });
      setMessage(t(`queues.done.${action}`, { name, count: answer.retried ?? 0 }));
      reload();
    } catch (e) {
      setActionError(e);
    }
  };

  const openBoard = async () => {
    setActionError(null);
    try {
      await api('/v1/admin/session', { method: 'POST' });
      window.open(BOARD, '_blank', 'noopener');
    } catch (e) {
      setActionError(e);
    }
  };

  return (
    <>
      <PageHeader title={t('queues.title')}>
        <Link to="/operations">{t('operation.title')}</Link>
        {can('operator') && (
          <button type="button" className="secondary" onClick={() => void openBoard()}>
            {t('queues.openBoard')}
          </button>
        )}
      </PageHeader>
      <ErrorMessage error={error ?? actionError} />
      {message && (
        <p role="status" className="notice">
          {message}
        </p>
      )}
      {!data && !error && <Loading />}
      {data && (
        <DataTable
          caption={t('queues.title')}
          rows={data.items}
          rowKey={(q) => q.name}
          rowProps={(q) => ({ 'data-testid': `queue-${q.name}` })}
          scroll
          columns={[
            {
              id: 'name',
              header: t('queues.name'),
              rowHeader: true,
              sortValue: (q) => q.name,
              cell: (q) => (
                <>
                  <code>{q.name}</code>
                  <div className="muted small">{t(`queues.about.${q.name}`, { defaultValue: '' })}</div>
                </>
              ),
            },
            {
              id: 'state',
              header: t('queues.state'),
              cell: (q) => (
                <span className={`badge ${q.paused ? 'badge-paused' : 'badge-active'}`}>
                  {q.paused ? t('queues.paused') : t('queues.running')}
                </span>
              ),
            },
            ...(['waiting', 'active', 'delayed', 'failed', 'completed'] as const).map((k) => ({
              id: k,
              header: t(`queues.${k}`),
              numeric: true,
              sortValue: (q: QueueStats) => q[k],
              cell: (q: QueueStats) => <Num value={q[k]} />,
            })),
            {
              id: 'throughput',
              header: t('queues.throughput'),
              numeric: true,
              sortValue: (q) => q.throughputPerMinute,
              cell: (q) => <Num value={q.throughputPerMinute} />,
            },
            can('operator') && {
              id: 'actions',
              header: t('common.actions'),
              className: 'actions',
              cell: (q) => (
                <>
                  {q.paused ? (
                    <button type="button" onClick={() => void act(q.name, 'resume')}>
                      {t('queues.resume')}
                    </button>
                  ) : (
                    <button type="button" className="secondary" onClick={() => void act(q.name, 'pause')}>
                      {t('queues.pause')}
                    </button>
                  )}
                  <button
                    type="button"
                    className="secondary"
                    disabled={q.failed === 0}
                    onClick={() => void act(q.name, 'retry-failed')}
                  >
                    {t('queues.retryFailed')}
                  </button>
                </>
              ),
            },
          ]}
        />
      )}
    </>
  );
}
