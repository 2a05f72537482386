import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Page, type QueueStats } from '../api';
import { useAuth } from '../auth';
import { ErrorMessage, Loading, Num, PageHeader } from '../components/ui';
import { useLoad } from '../hooks';

const BOARD = '/admin/queues/board';

export function QueuesPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const { data, error, reload } = useLoad(
    (signal) => api<Page<QueueStats>>('/v1/admin/queues', { signal }),
    [],
    5000,
  );
  const [actionError, setActionError] = useState<unknown>(null);
  const [message, setMessage] = useState<string | null>(null);

  const act = async (name: string, action: 'pause' | 'resume' | 'retry-failed') => {
    setActionError(null);
    try {
      const answer = await api<QueueStats & { retried?: number }>(`/v1/admin/queues/${name}/${action}`, {
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
        <table>
          <thead>
            <tr>
              <th scope="col">{t('queues.name')}</th>
              <th scope="col">{t('queues.state')}</th>
              <th scope="col">{t('queues.waiting')}</th>
              <th scope="col">{t('queues.active')}</th>
              <th scope="col">{t('queues.delayed')}</th>
              <th scope="col">{t('queues.failed')}</th>
              <th scope="col">{t('queues.completed')}</th>
              <th scope="col">{t('queues.throughput')}</th>
              {can('operator') && <th scope="col">{t('common.actions')}</th>}
            </tr>
          </thead>
          <tbody>
            {data.items.map((q) => (
              <tr key={q.name} data-testid={`queue-${q.name}`}>
                <th scope="row">
                  <code>{q.name}</code>
                  <div className="muted small">{t(`queues.about.${q.name}`, { defaultValue: '' })}</div>
                </th>
                <td>
                  <span className={`badge ${q.paused ? 'badge-paused' : 'badge-active'}`}>
                    {q.paused ? t('queues.paused') : t('queues.running')}
                  </span>
                </td>
                <td className="num">
                  <Num value={q.waiting} />
                </td>
                <td className="num">
                  <Num value={q.active} />
                </td>
                <td className="num">
                  <Num value={q.delayed} />
                </td>
                <td className="num">
                  <Num value={q.failed} />
                </td>
                <td className="num">
                  <Num value={q.completed} />
                </td>
                <td className="num">
                  <Num value={q.throughputPerMinute} />
                </td>
                {can('operator') && (
                  <td className="actions">
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
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
