import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, enc } from '../api';
import { useAuth } from '../auth';
import { useLoad } from '../hooks';
import { type Delivery, type DeliveryPage, type SourceCallback } from '../province-api';
import { DataTable } from './data-table';
import { DateTime, ErrorMessage, Loading } from './ui';

/**
 * The signed callbacks the hub sent to a source's system (hub-interface.md, "v1 additions"), newest
 * first, each with its last attempt; an operator (the Center's, or the province's own) sends one
 * again now. Nothing of the payload is listed: it is the receipt the Receipts screen shows.
 */
export function CallbackDeliveries({ sourceKey, callback }: { sourceKey: string; callback: SourceCallback }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const [sent, setSent] = useState<string | null>(null);
  const [sendError, setSendError] = useState<unknown>(null);
  const { data, error, reload } = useLoad(
    (signal) => api<DeliveryPage>(`/v1/admin/sources/${enc(sourceKey)}/deliveries`, { signal }),
    [sourceKey],
    15_000,
  );
  const redeliver = async (d: Delivery) => {
    setSent(null);
    setSendError(null);
    try {
      await api(`/v1/admin/sources/${enc(sourceKey)}/deliveries/${enc(d.id)}/redeliver`, { method: 'POST' });
      setSent(t('deliveries.sent', { id: d.webhookId }));
      reload();
    } catch (e) {
      setSendError(e);
    }
  };
  return (
    <section aria-labelledby="deliveries-heading">
      <h2 id="deliveries-heading">{t('deliveries.title')}</h2>
      <p className="muted">
        {t('deliveries.to')} <code>{callback.url}</code> · {callback.events.join(', ')}
      </p>
      {sent && (
        <p role="status" className="notice">
          {sent}
        </p>
      )}
      <ErrorMessage error={error ?? sendError} />
      {!data && !error && <Loading />}
      {data && (
        <DataTable<Delivery>
          caption={t('deliveries.caption')}
          rows={data.items}
          rowKey={(d) => d.id}
          rowProps={(d) => ({ 'data-testid': `delivery-${d.id}` })}
          empty={t('deliveries.none')}
          columns={[
            { id: 'at', header: t('deliveries.createdAt'), cell: (d) => <DateTime value={d.createdAt} /> },
            {
              id: 'type',
              header: t('deliveries.type'),
              rowHeader: true,
              cell: (d) => <code>{d.type}</code>,
            },
            {
              id: 'status',
              header: t('deliveries.status'),
              cell: (d) => (
                <span className={`badge badge-delivery-${d.status}`}>
                  {t(`deliveries.statuses.${d.status}`, { defaultValue: d.status })}
                </span>
              ),
            },
            {
              id: 'last',
              header: t('deliveries.lastAttempt'),
              cell: (d) => {
                const last = d.attempts[d.attempts.length - 1];
                if (!last) return <span className="muted">—</span>;
                return (
                  <>
                    <DateTime value={last.at} /> · {last.statusCode ?? last.error ?? '—'}
                    <div className="muted small">
                      {t('deliveries.attempts', { count: d.attempts.length })}
                    </div>
                  </>
                );
              },
            },
            {
              id: 'next',
              header: t('deliveries.next'),
              cell: (d) => <DateTime value={d.nextAttemptAt} />,
            },
            can('operator') && {
              id: 'actions',
              header: t('common.actions'),
              cell: (d) => (
                <button type="button" className="secondary" onClick={() => void redeliver(d)}>
                  {t('deliveries.redeliver')}
                </button>
              ),
            },
          ]}
        />
      )}
    </section>
  );
}
