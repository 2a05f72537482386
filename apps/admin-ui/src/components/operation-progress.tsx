import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, enc, type Operation, type OperationPage } from '../api';
import { useAuth } from '../auth';
import { durationParts } from '../format';
import { useLoad } from '../hooks';
import { DateTime, ErrorMessage, Num } from './ui';

const UNFINISHED: readonly string[] = ['queued', 'running', 'cancelling'];
/** How often a running operation is read again. */
const POLL_MS = 1000;

export const isUnfinished = (op: Pick<Operation, 'state'>): boolean => UNFINISHED.includes(op.state);

function TimeLeft({ seconds }: { seconds: number }) {
  const { t } = useTranslation();
  const { unit, value } = durationParts(seconds);
  return <>{t(`duration.${unit}`, { value })}</>;
}

/**
 * One operation's progress (docs/operations.md, "Long work"): a bar, done of total, failed, percent,
 * time left at the rate so far, and Cancel for operators while it can still stop. The bar is a
 * `<progress>` named by the operation, so a screen reader hears what moves and how far.
 */
export function OperationProgressView({
  operation,
  onChanged,
}: {
  operation: Operation;
  onChanged?: (op: Operation) => void;
}) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const [error, setError] = useState<unknown>(null);
  const [asking, setAsking] = useState(false);
  const op = operation;
  const label = t(`operation.kind.${op.kind}`, { defaultValue: op.kind });
  const cancel = async () => {
    if (!window.confirm(t('operation.confirmCancel'))) return;
    setAsking(true);
    setError(null);
    try {
      onChanged?.(await api<Operation>(`/v1/admin/operations/${enc(op.id)}/cancel`, { method: 'POST' }));
    } catch (e) {
      setError(e);
    } finally {
      setAsking(false);
    }
  };
  return (
    <div className="operation" data-testid="operation-progress" data-state={op.state}>
      <div className="operation-head">
        <strong>{label}</strong>
        {op.sourceKey && <code>{op.sourceKey}</code>}
        <span className={`badge badge-op-${op.state}`} data-testid="operation-state">
          {t(`operation.state.${op.state}`, { defaultValue: op.state })}
        </span>
      </div>
      <progress
        max={100}
        value={op.percent ?? undefined}
        aria-label={t('operation.progressOf', { what: label })}
        aria-valuetext={op.percent === null ? t('operation.unknownTotal') : `${op.percent}%`}
      />
      <p className="operation-figures" data-testid="operation-figures">
        {op.total === null ? (
          <>
            <Num value={op.done} /> {t('operation.items')}
          </>
        ) : (
          t('operation.doneOfTotal', { done: op.done, total: op.total })
        )}
        {op.percent !== null && <> · {op.percent}%</>}
        {op.failed > 0 && <> · {t('operation.failed', { count: op.failed })}</>}
        {op.secondsLeft !== null && (
          <>
            {' '}
            · {t('operation.timeLeft')} <TimeLeft seconds={op.secondsLeft} />
          </>
        )}
        {op.finishedAt && (
          <>
            {' '}
            · {t('operation.endedAt')} <DateTime value={op.finishedAt} />
          </>
        )}
      </p>
      {op.state === 'cancelling' && <p className="muted">{t('operation.cancelling')}</p>}
      {op.error && op.state === 'failed' && <p className="error">{op.error}</p>}
      {op.cancellable && can('operator') && (
        <button type="button" className="danger" disabled={asking} onClick={() => void cancel()}>
          {t('operation.cancel')}
        </button>
      )}
      <ErrorMessage error={error} />
    </div>
  );
}

/** An operation by id, read again every second until it ends. */
export function OperationProgress({ id, onEnded }: { id: string; onEnded?: (op: Operation) => void }) {
  const [fresh, setFresh] = useState<Operation | null>(null);
  const [ended, setEnded] = useState(false);
  const { data, error } = useLoad(
    async (signal) => {
      const op = await api<Operation>(`/v1/admin/operations/${enc(id)}`, { signal });
      setFresh(null);
      if (!isUnfinished(op) && !ended) {
        setEnded(true);
        onEnded?.(op);
      }
      return op;
    },
    [id],
    ended ? undefined : POLL_MS,
  );
  const op = fresh ?? data;
  if (error) return <ErrorMessage error={error} />;
  if (!op) return null;
  return <OperationProgressView operation={op} onChanged={setFresh} />;
}

/**
 * The unfinished operations matching a filter (a source's replays, a province's reconciliation),
 * so that work started elsewhere — another tab, another operator — shows here too.
 */
export function UnfinishedOperations({
  filter,
  exclude = [],
}: {
  filter: Record<string, string | undefined>;
  /** Operations already shown elsewhere on the page. */
  exclude?: string[];
}) {
  const { t } = useTranslation();
  const params = new URLSearchParams({ unfinished: 'true', limit: '10' });
  for (const [k, v] of Object.entries(filter)) if (v) params.set(k, v);
  const { data, reload } = useLoad(
    (signal) => api<OperationPage>(`/v1/admin/operations?${params.toString()}`, { signal }),
    [params.toString()],
    POLL_MS * 2,
  );
  const items = data?.items.filter((op) => !exclude.includes(op.id)) ?? [];
  if (items.length === 0) return null;
  return (
    <section className="operations" aria-live="polite" aria-label={t('operation.running')}>
      {items.map((op) => (
        <OperationProgressView key={op.id} operation={op} onChanged={reload} />
      ))}
      <Link to="/operations">{t('operation.all')}</Link>
    </section>
  );
}
