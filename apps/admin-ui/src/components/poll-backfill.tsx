import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, enc, type SourceView, type StartedOperation } from '../api';
import { useAuth } from '../auth';
import { OperationProgress, UnfinishedOperations } from './operation-progress';
import { ErrorMessage } from './ui';

const POLLED: readonly string[] = ['testing', 'active'];

/**
 * "Backfill" of a poll source (docs/poll-connector.md, "Backfill"): the province's API walked again
 * from the beginning (or, for an updatedSince source, from a time) as an operation, with its
 * progress and Stop in place. The source's own polling goes on beside it. A backfill started
 * elsewhere (another tab, another operator) shows here too.
 */
export function PollBackfillPanel({ source }: { source: SourceView }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const [since, setSince] = useState('');
  const [started, setStarted] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  if (source.kind !== 'poll') return null;
  const bySince = source.poll?.pagination.type === 'updatedSince';
  const polled = POLLED.includes(source.stage);

  const start = async (event: FormEvent) => {
    event.preventDefault();
    const question = bySince && since ? t('backfill.confirmSince', { since }) : t('backfill.confirm');
    if (!window.confirm(question)) return;
    setBusy(true);
    setError(null);
    try {
      const body = bySince && since ? { since: new Date(since).toISOString() } : {};
      const op = await api<StartedOperation>(`/v1/admin/sources/${enc(source.key)}/backfill`, { body });
      setStarted(op.id);
      setRunning(true);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="backfill-heading" data-testid="poll-backfill">
      <h2 id="backfill-heading">{t('backfill.title')}</h2>
      <p className="muted">{t('backfill.help')}</p>
      {can('operator') &&
        (polled ? (
          <form className="actions" onSubmit={(e) => void start(e)}>
            {bySince && (
              <label>
                {t('backfill.since')}{' '}
                <input
                  type="datetime-local"
                  step={1}
                  value={since}
                  onChange={(e) => setSince(e.target.value)}
                  aria-describedby="backfill-since-help"
                />
                <span id="backfill-since-help" className="muted small">
                  {' '}
                  {t('backfill.sinceHelp')}
                </span>
              </label>
            )}
            <button type="submit" disabled={busy || running}>
              {t('backfill.start')}
            </button>
          </form>
        ) : (
          <p className="muted">{t('backfill.notPolled')}</p>
        ))}
      {started ? (
        <OperationProgress id={started} onEnded={() => setRunning(false)} />
      ) : (
        <UnfinishedOperations filter={{ kind: 'poll-backfill', sourceKey: source.key }} />
      )}
      <ErrorMessage error={error} />
    </section>
  );
}
