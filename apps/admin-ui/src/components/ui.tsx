import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api';
import { formatDateTime, formatNumber } from '../format';
import { useProvinces } from '../hooks';

/** A status or stage as a labelled badge; colour comes from the class, meaning from the text. */
export function Badge({ kind, value }: { kind: 'status' | 'stage' | 'rollout' | 'health'; value: string }) {
  const { t } = useTranslation();
  return <span className={`badge badge-${value}`}>{t(`${kind}.${value}`, { defaultValue: value })}</span>;
}

export function DateTime({ value }: { value: string | Date | null | undefined }) {
  const iso = value ? new Date(value).toISOString() : undefined;
  return <time dateTime={iso}>{formatDateTime(value)}</time>;
}

export function Num({ value }: { value: number | null | undefined }) {
  return <>{formatNumber(value)}</>;
}

export function ErrorMessage({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (!error) return null;
  const e = error as Error;
  const status = error instanceof ApiError ? error.status : null;
  const details = error instanceof ApiError ? error.details : [];
  return (
    <div role="alert" className="error">
      <strong>
        {status === 403 ? t('error.forbidden') : status === 404 ? t('error.notFound') : t('error.title')}
      </strong>{' '}
      {e.message}
      {details.length > 0 && (
        <ul>
          {details.map((d, i) => (
            <li key={i}>{typeof d === 'string' ? d : JSON.stringify(d)}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function Loading() {
  const { t } = useTranslation();
  return (
    <p className="muted" aria-busy="true">
      {t('common.loading')}
    </p>
  );
}

export function CopyButton({ text, label }: { text: string; label: string }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      className="secondary"
      onClick={() => {
        void navigator.clipboard
          ?.writeText(text)
          .then(() => setCopied(true))
          .catch(() => setCopied(false));
      }}
    >
      {copied ? t('common.copied') : label}
    </button>
  );
}

export function PageHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <header className="page-header">
      <h1>{title}</h1>
      {children && <div className="page-actions">{children}</div>}
    </header>
  );
}

export function JsonBlock({ value }: { value: unknown }) {
  return <pre className="json">{JSON.stringify(value, null, 2)}</pre>;
}

/**
 * Findings explained in the interface's language, keyed by code (`finding.<CODE>` in the locale
 * files), with the field path. The hub's own message (English) stays one click away under
 * "chi tiết" and in the explanation's title; a code the UI does not know shows that message.
 */
export function Findings({
  findings,
}: {
  findings: Array<{ code: string; message: string; path?: string; severity?: string }>;
}) {
  const { t, i18n } = useTranslation();
  if (findings.length === 0) return null;
  return (
    <ul className="findings">
      {findings.map((f, i) => {
        const key = `finding.${f.code}`;
        const known = i18n.exists(key);
        return (
          <li key={i} data-testid="finding" data-code={f.code} data-severity={f.severity ?? 'error'}>
            {f.severity === 'warning' && <span className="finding-warning">{t('findings.warning')}</span>}{' '}
            <code className="finding-code">{f.code}</code>{' '}
            <span className="finding-text" title={known ? f.message : undefined}>
              {known ? t(key) : f.message}
            </span>
            {f.path ? (
              <span className="finding-path">
                {' '}
                · {t('findings.field')} <code>{f.path}</code>
              </span>
            ) : null}
            {known && (
              <details className="finding-original">
                <summary>{t('findings.original')}</summary>
                <span lang="en">{f.message}</span>
              </details>
            )}
          </li>
        );
      })}
    </ul>
  );
}

/** A province by name with its code, "Thành phố Cần Thơ (92)", and a pre-2025 code as "mã cũ 94". */
export function ProvinceName({ code, legacy }: { code: string | null | undefined; legacy?: unknown }) {
  const { t } = useTranslation();
  const provinces = useProvinces();
  if (!code) return <>—</>;
  const province = provinces?.find((p) => p.code === code);
  const name = province?.name;
  const legacyName = typeof legacy === 'string' ? province?.legacy?.[legacy] : undefined;
  return (
    <span className="province-name" data-testid="province">
      {name ? `${name} (${code})` : code}
      {typeof legacy === 'string' && legacy !== '' && legacy !== code && (
        <span className="muted">
          {' '}
          · {t('province.legacy', { code: legacy })}
          {legacyName ? ` (${legacyName})` : ''}
        </span>
      )}
    </span>
  );
}

/** A webhook secret from the one answer that carries it: copy it now, it is never shown again. */
export function SecretOnce({ secret }: { secret: string }) {
  const { t } = useTranslation();
  return (
    <p>
      <strong>{t('onboarding.secret')}</strong> <code data-testid="webhook-secret">{secret}</code>{' '}
      <CopyButton text={secret} label={t('common.copy')} />
      <br />
      <span className="warning">{t('onboarding.secretOnce')}</span>
    </p>
  );
}
