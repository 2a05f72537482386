import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, enc } from '../api';
import { useLoad } from '../hooks';
import { type Alert } from '../province-api';
import { DateTime, ErrorMessage, ProvinceName } from './ui';

/** Alerts are checked once a minute by the workers; the screens read them twice as often. */
export const ALERTS_POLL_MS = 30_000;

/**
 * The active alerts (GET /v1/admin/alerts): what needs someone now, explained in the interface's
 * language by code, the hub's own sentence (English, with the figures) one click away. A province
 * token is answered its provinces' alerts and the hub-wide PORTAL_UNREACHABLE only.
 */
export function AlertsPanel() {
  const { t, i18n } = useTranslation();
  const { data, error } = useLoad(
    (signal) => api<{ items: Alert[] }>('/v1/admin/alerts', { signal }),
    [],
    ALERTS_POLL_MS,
  );
  const items = data?.items ?? [];
  return (
    <section aria-labelledby="alerts-heading" className="alerts" data-testid="alerts">
      <h2 id="alerts-heading">
        {t('alerts.title')} {data && <span className="muted">({items.length})</span>}
      </h2>
      <ErrorMessage error={error} />
      {data && items.length === 0 && <p className="muted">{t('alerts.none')}</p>}
      {items.length > 0 && (
        <ul className="alert-list">
          {items.map((a) => {
            const key = `alerts.code.${a.code}`;
            const known = i18n.exists(key);
            return (
              <li key={a.id} className="alert-item" data-testid="alert" data-code={a.code}>
                <code className="alert-code">{a.code}</code>{' '}
                <span className="alert-text">
                  {known ? t(key, { source: a.sourceKey ?? '', province: a.provinceCode ?? '' }) : a.message}
                </span>
                <span className="muted small">
                  {' '}
                  · {t('alerts.since')} <DateTime value={a.since} />
                  {a.provinceCode && (
                    <>
                      {' '}
                      · <ProvinceName code={a.provinceCode} />
                    </>
                  )}
                  {a.sourceKey && (
                    <>
                      {' '}
                      · <Link to={`/sources/${enc(a.sourceKey)}`}>{a.sourceKey}</Link>
                    </>
                  )}
                </span>
                {known && (
                  <details className="finding-original">
                    <summary>{t('findings.original')}</summary>
                    <span lang="en">{a.message}</span>
                  </details>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
