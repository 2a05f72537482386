import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api';
import { formatDateTime, formatNumber } from '../format';

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

export function Findings({
  findings,
}: {
  findings: Array<{ code: string; message: string; path?: string }>;
}) {
  if (findings.length === 0) return null;
  return (
    <ul className="findings">
      {findings.map((f, i) => (
        <li key={i}>
          <code>{f.code}</code> {f.message} {f.path ? <code className="muted">{f.path}</code> : null}
        </li>
      ))}
    </ul>
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
