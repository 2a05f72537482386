import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type AuditEntry, type Page } from '../api';
import { DateTime, ErrorMessage, Loading, PageHeader } from '../components/ui';

export function AuditPage() {
  const { t } = useTranslation();
  const [items, setItems] = useState<AuditEntry[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  const load = async (before: string | null) => {
    try {
      const page = await api<Page<AuditEntry>>(
        `/v1/admin/audit?limit=100${before ? `&cursor=${before}` : ''}`,
      );
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
        <table>
          <thead>
            <tr>
              <th scope="col">{t('audit.at')}</th>
              <th scope="col">{t('audit.actor')}</th>
              <th scope="col">{t('audit.action')}</th>
              <th scope="col">{t('audit.target')}</th>
              <th scope="col">{t('audit.details')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((e) => (
              <tr key={e.id}>
                <td>
                  <DateTime value={e.at} />
                </td>
                <td>
                  <code>{e.actor}</code>
                </td>
                <td>
                  <code>{e.action}</code>
                </td>
                <td>
                  <code>{e.target ?? '—'}</code>
                </td>
                <td className="small">
                  {e.details && Object.keys(e.details).length > 0 ? JSON.stringify(e.details) : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {cursor && (
        <button type="button" className="secondary" onClick={() => void load(cursor)}>
          {t('common.more')}
        </button>
      )}
    </>
  );
}
