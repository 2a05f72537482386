import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type AuditEntry, type AuditPage } from '../api';
import { DataTable } from '../components/data-table';
import { DateTime, ErrorMessage, Loading, PageHeader } from '../components/ui';

export function AuditPage() {
  const { t } = useTranslation();
  const [items, setItems] = useState<AuditEntry[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  const load = async (before: string | null) => {
    try {
      const page = await api<AuditPage>(`/v1/admin/audit?limit=100${before ? `&cursor=${before}` : ''}`);
      setItems((prev) => (before && prev ? [...prev, ...page.items] : page.items));
      setCursor(page.nextCursor);
    } catch (e) {
      setError(e);
    }
  };
  useEffect(() => {
    void load(null);
  }, []);

  return (
    <>
      <PageHeader title={t('audit.title')}>
        <button type="button" className="secondary" onClick={() => void load(null)}>
          {t('common.refresh')}
        </button>
      </PageHeader>
      <ErrorMessage error={error} />
      {!items && !error && <Loading />}
      {items && (
        <DataTable
          caption={t('audit.title')}
          rows={items}
          rowKey={(e) => e.id}
          empty={t('audit.none')}
          columns={[
            {
              id: 'at',
              header: t('audit.at'),
              cell: (e) => <DateTime value={e.at} />,
              sortValue: (e) => e.at,
            },
            {
              id: 'actor',
              header: t('audit.actor'),
              cell: (e) => <code>{e.actor}</code>,
              sortValue: (e) => e.actor,
            },
            {
              id: 'action',
              header: t('audit.action'),
              cell: (e) => <code>{e.action}</code>,
              sortValue: (e) => e.action,
            },
            { id: 'target', header: t('audit.target'), cell: (e) => <code>{e.target ?? '—'}</code> },
            {
              id: 'details',
              header: t('audit.details'),
              className: 'small',
              cell: (e) => (e.details && Object.keys(e.details).length > 0 ? JSON.stringify(e.details) : ''),
            },
          ]}
        />
      )}
      {cursor && (
        <button type="button" className="secondary" onClick={() => void load(cursor)}>
          {t('common.more')}
        </button>
      )}
    </>
  );
}
