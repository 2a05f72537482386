import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, enc, type Reconciliation, type ReconciliationStarted } from '../api';
import { useAuth } from '../auth';
import { OperationProgress } from './operation-progress';
import { DateTime, ErrorMessage, Num } from './ui';

const total = (counts: Record<string, number> | undefined): number =>
  Object.values(counts ?? {}).reduce((a, b) => a + b, 0);

/** The operation a 409 names: the reconciliation of the province already queued or running. */
function runningOperation(error: unknown): string | null {
  if (!(error instanceof ApiError) || error.status !== 409) return null;
  const named = error.details.find(
    (d): d is { path: string; message: string } =>
      typeof d === 'object' && d !== null && (d as { path?: unknown }).path === 'operationId',
  );
  return named?.message ?? null;
}

/**
 * "Reconcile now" for one province (docs/sync.md, "Reconciliation"): asks for a reconciliation (an
 * operation, answered at once), shows its progress with Stop, and when it ends reads the comparison
 * again — the hub's counts beside the portal's — and tells the page to refresh. One already running
 * (another operator's, another tab's) is followed instead of refused. Viewers see the button
 * disabled, with the reason beside it.
 */
export function ReconcileNow({
  code,
  name,
  onStarted,
  onEnded,
}: {
  code: string;
  name: string;
  /** The operation followed here, once known (the page shows it nowhere else). */
  onStarted?: (operationId: string) => void;
  onEnded?: () => void;
}) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const [operationId, setOperationId] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [comparison, setComparison] = useState<Reconciliation | null>(null);
  const allowed = can('operator');
  const why = `reconcile-why-${code}`;

  const start = async () => {
    setAsking(true);
    setError(null);
    setComparison(null);
    try {
      const started = await api<ReconciliationStarted>(`/v1/admin/provinces/${enc(code)}/reconciliation`, {
        method: 'POST',
      });
      setOperationId(started.id);
      onStarted?.(started.id);
      setRunning(true);
    } catch (e) {
      const other = runningOperation(e);
      if (other) {
        setOperationId(other);
        onStarted?.(other);
        setRunning(true);
      } else setError(e);
    } finally {
      setAsking(false);
    }
  };

  const ended = async () => {
    setRunning(false);
    onEnded?.();
    try {
      setComparison(await api<Reconciliation>(`/v1/admin/provinces/${enc(code)}/reconciliation`));
    } catch (e) {
      setError(e);
    }
  };

  return (
    <div className="reconcile-now" data-testid={`reconcile-${code}`}>
      <div className="actions">
        <button
          type="button"
          onClick={() => void start()}
          disabled={!allowed || asking || running}
          aria-describedby={allowed ? undefined : why}
          aria-label={t('reconcile.startFor', { province: name })}
        >
          {t('reconcile.start')}
        </button>
        {!allowed && (
          <span id={why} className="muted small">
            {t('reconcile.needsOperator')}
          </span>
        )}
      </div>
      {operationId && <OperationProgress key={operationId} id={operationId} onEnded={() => void ended()} />}
      {comparison && (
        <p role="status" className="notice" data-testid="reconcile-comparison">
          {t('reconcile.compared')} <DateTime value={comparison.comparedAt} />: {t('reconcile.hub')}{' '}
          <Num value={total(comparison.hub.counts)} /> ·{' '}
          {comparison.portal ? (
            <>
              {t('reconcile.portal')} <Num value={total(comparison.portal.counts)} /> ·{' '}
              {comparison.agreed ? t('reconcile.agreed') : t('reconcile.differ')}
            </>
          ) : (
            t('reconcile.portalUnreachable', { error: comparison.error ?? '' })
          )}
        </p>
      )}
      <ErrorMessage error={error} />
    </div>
  );
}
