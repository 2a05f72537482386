import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import {
  api,
  enc,
  type MappingTrial,
  type Operation,
  replayReceipts,
  type ReplayReceiptsAnswer,
  type TrialChange,
} from '../api';
import { DataTable } from './data-table';
import { OperationProgress } from './operation-progress';
import { Badge, ErrorMessage, Num } from './ui';

const CHANGES = ['fixed', 'broken', 'changed', 'appeared', 'disappeared'] as const;

/**
 * "Try it first": the draft mapping and the one in force run over the source's newest stored
 * payloads (`POST /v1/admin/sources/{key}/try-mapping`, in the mapping sandbox, nothing stored),
 * and what would change is shown before the draft is saved: records fixed, broken, changed,
 * appearing or disappearing, findings by code, and the payload fields the draft never reads.
 * Then the rollout: the draft is published as the next mapping version and exactly the receipts the
 * trial found affected are judged again with it (`POST /v1/admin/replay/receipts`, an operation
 * whose progress and Stop show here).
 */
export function MappingTrialPanel({
  sourceKey,
  expression,
  dirty,
  onPublish,
  onReplayStarted,
  onReplayEnded,
}: {
  sourceKey: string;
  expression: string;
  /** The expression is not yet the mapping version in force. */
  dirty: boolean;
  /** Saves the draft as the next mapping version; false when the hub refused it. */
  onPublish: () => Promise<boolean>;
  /** The replay of the affected receipts was asked for: its operation's id. */
  onReplayStarted?: (operationId: string) => void;
  /** The replay of the affected receipts ended (done, cancelled or failed). */
  onReplayEnded?: (op: Operation) => void;
}) {
  const { t } = useTranslation();
  const [trial, setTrial] = useState<MappingTrial | null>(null);
  const [tried, setTried] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [replay, setReplay] = useState<ReplayReceiptsAnswer | null>(null);
  const [replayError, setReplayError] = useState<unknown>(null);
  const [replaying, setReplaying] = useState(false);
  const replayAffected = async (receiptIds: string[]) => {
    setReplaying(true);
    setReplayError(null);
    try {
      // Published first: the receipts are judged again with the mapping version in force.
      if (dirty && !(await onPublish())) return;
      const answer = await replayReceipts(sourceKey, receiptIds);
      setReplay(answer);
      onReplayStarted?.(answer.operationId);
    } catch (e) {
      setReplayError(e);
    } finally {
      setReplaying(false);
    }
  };
  const run = async () => {
    setBusy(true);
    setReplay(null);
    setError(null);
    try {
      setTrial(
        await api<MappingTrial>(`/v1/admin/sources/${enc(sourceKey)}/try-mapping`, {
          body: { expression, receipts: 200 },
        }),
      );
      setTried(expression);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const stale = trial !== null && tried !== expression;
  return (
    <section aria-labelledby="trial-heading" className="trial" data-testid="mapping-trial">
      <h3 id="trial-heading">{t('trial.title')}</h3>
      <p className="muted">{t('trial.help')}</p>
      <button type="button" className="secondary" onClick={() => void run()} disabled={busy}>
        {busy ? t('trial.running') : t('trial.run')}
      </button>
      <ErrorMessage error={error} />
      {trial && (
        <div aria-live="polite">
          {stale && <p className="warning">{t('trial.stale')}</p>}
          <p data-testid="trial-read">
            {t('trial.read', {
              receipts: trial.read.receipts,
              kib: Math.ceil(trial.read.bytes / 1024),
              version: trial.liveVersion ?? '—',
            })}
            {trial.read.purged > 0 && <> {t('trial.purged', { count: trial.read.purged })}</>}
            {trial.read.stoppedBy && <> {t(`trial.stoppedBy.${trial.read.stoppedBy}`)}</>}
          </p>
          <ul className="cards" aria-label={t('trial.summary')}>
            {CHANGES.map((c) => (
              <li key={c} className={`card card-trial-${c}`}>
                <span className="card-value" data-testid={`trial-${c}`}>
                  <Num value={trial.counts[c]} />
                </span>
                <span className="card-label">{t(`trial.change.${c}`)}</span>
              </li>
            ))}
            <li className="card">
              <span className="card-value" data-testid="trial-fixes-quarantined">
                <Num value={trial.fixesQuarantined} />
              </span>
              <span className="card-label">{t('trial.fixesQuarantined')}</span>
            </li>
          </ul>
          {trial.findings.length > 0 && (
            <DataTable
              caption={t('trial.findingsCaption')}
              captionHidden={false}
              rows={trial.findings}
              rowKey={(f) => f.code}
              rowProps={(f) => ({ 'data-testid': `trial-finding-${f.code}` })}
              columns={[
                { id: 'code', header: t('trial.code'), rowHeader: true, cell: (f) => <code>{f.code}</code> },
                { id: 'live', header: t('trial.live'), numeric: true, cell: (f) => <Num value={f.live} /> },
                {
                  id: 'draft',
                  header: t('trial.draft'),
                  numeric: true,
                  cell: (f) => <Num value={f.draft} />,
                },
                {
                  id: 'delta',
                  header: t('trial.delta'),
                  numeric: true,
                  sortValue: (f) => f.draft - f.live,
                  cell: (f) =>
                    f.draft === f.live ? '0' : `${f.draft > f.live ? '+' : '−'}${Math.abs(f.draft - f.live)}`,
                },
              ]}
            />
          )}
          {trial.changes.length > 0 && (
            <DataTable<TrialChange>
              caption={t('trial.changesCaption', { shown: trial.changes.length })}
              captionHidden={false}
              rows={trial.changes}
              rowKey={(c, i) => `${c.receiptId}|${c.kind}|${c.key ?? i}`}
              scroll
              columns={[
                {
                  id: 'change',
                  header: t('trial.changeColumn'),
                  sortValue: (c) => c.change,
                  cell: (c) => t(`trial.change.${c.change}`),
                },
                {
                  id: 'kind',
                  header: t('record.kind'),
                  cell: (c) => t(`kind.${c.kind}`, { defaultValue: c.kind }),
                },
                {
                  id: 'key',
                  header: t('record.key'),
                  rowHeader: true,
                  cell: (c) =>
                    c.key ? (
                      <Link to={`/records/${c.kind}/${enc(c.key)}`}>
                        <code>{c.key}</code>
                      </Link>
                    ) : (
                      '—'
                    ),
                },
                {
                  id: 'stored',
                  header: t('trial.stored'),
                  cell: (c) => (c.storedStatus ? <Badge kind="status" value={c.storedStatus} /> : '—'),
                },
                {
                  id: 'findings',
                  header: t('trial.findingsColumn'),
                  cell: (c) => (
                    <>
                      <code>{c.liveFindings.join(', ') || '∅'}</code> →{' '}
                      <code>{c.draftFindings.join(', ') || '∅'}</code>
                    </>
                  ),
                },
                {
                  id: 'receipt',
                  header: t('record.receipt'),
                  cell: (c) => (
                    <Link to={`/search?q=${enc(c.receiptId)}`}>
                      <code className="small">{c.receiptId.slice(0, 8)}…</code>
                    </Link>
                  ),
                },
              ]}
            />
          )}
          <h4>{t('trial.unreadTitle')}</h4>
          {trial.unreadFields === null ? (
            <p className="muted">{t('trial.readsAll')}</p>
          ) : trial.unreadFields.length === 0 ? (
            <p className="muted" data-testid="trial-unread-none">
              {t('trial.unreadNone')}
            </p>
          ) : (
            <DataTable
              caption={t('trial.unreadTitle')}
              rows={trial.unreadFields}
              rowKey={(f) => f.path}
              rowProps={(f) => ({ 'data-testid': `unread-${f.path}` })}
              columns={[
                { id: 'path', header: t('trial.field'), rowHeader: true, cell: (f) => <code>{f.path}</code> },
                {
                  id: 'payloads',
                  header: t('trial.payloads'),
                  numeric: true,
                  sortValue: (f) => f.payloads,
                  cell: (f) => <Num value={f.payloads} />,
                },
              ]}
            />
          )}
          {trial.affectedReceipts.length > 0 && !stale && (
            <div className="actions">
              <button
                type="button"
                data-testid="trial-replay-affected"
                disabled={replaying || replay !== null}
                onClick={() => void replayAffected(trial.affectedReceipts)}
              >
                {dirty
                  ? t('trial.saveAndReplay', { count: trial.affectedReceipts.length })
                  : t('trial.replayAffected', { count: trial.affectedReceipts.length })}
              </button>
              <span className="muted small">{t('trial.replayNote')}</span>
            </div>
          )}
          {replay && (
            <>
              <p role="status" className="notice" data-testid="trial-replay-asked">
                {t('trial.replayAsked', { count: replay.receipts, version: replay.mappingVersion ?? '—' })}
              </p>
              <OperationProgress id={replay.operationId} onEnded={onReplayEnded} />
            </>
          )}
          <ErrorMessage error={replayError} />
        </div>
      )}
    </section>
  );
}
