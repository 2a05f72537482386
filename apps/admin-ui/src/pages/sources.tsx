import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import {
  actionsFor,
  api,
  enc,
  query,
  replayHeld,
  saveMapping,
  SOURCE_ACTIONS,
  sourceAction,
  type RecordPage,
  type SourceAction,
  type SourcePage,
  type SourceView,
} from '../api';
import { ActivityCharts } from '../components/activity-charts';
import { CallbackDeliveries } from '../components/callback-deliveries';
import { useAuth } from '../auth';
import { replayMessage } from '../replay-message';
import { OperationProgress, UnfinishedOperations } from '../components/operation-progress';
import { DataTable } from '../components/data-table';
import { MappingEditor, useDraftPreview } from '../components/mapping-editor';
import { MappingTrialPanel } from '../components/mapping-trial';
import { PollBackfillPanel } from '../components/poll-backfill';
import { Badge, DateTime, ErrorMessage, Loading, Num, PageHeader, SecretOnce } from '../components/ui';
import { useLoad } from '../hooks';

/** How many quarantined records the source page counts (the quarantine page lists them). */
const HELD_LIMIT = 200;

/**
 * The stage and secret buttons the signed-in role may use on this source (the server checks again).
 * A rotated secret is shown once, in place.
 */
function SourceActions({ source, onChanged }: { source: SourceView; onChanged: (next: SourceView) => void }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const [error, setError] = useState<unknown>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const allowed = actionsFor(source).filter((a) => can(SOURCE_ACTIONS[a]));
  if (allowed.length === 0) return null;

  const run = async (action: SourceAction) => {
    setBusy(true);
    setError(null);
    try {
      const next = await sourceAction(source.key, action);
      if (next.webhookSecret) setSecret(next.webhookSecret);
      onChanged(next);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="source-actions">
      <div className="actions">
        {allowed.map((a) => (
          <button
            key={a}
            type="button"
            className={a === 'activate' || a === 'resume' ? undefined : 'secondary'}
            disabled={busy}
            onClick={() => void run(a)}
          >
            {t(`sources.actions.${a}`)}
          </button>
        ))}
      </div>
      {secret && (
        <div className="secret-box" role="status">
          <SecretOnce secret={secret} />
          <p className="muted small">{t('sources.previousSecret')}</p>
        </div>
      )}
      <ErrorMessage error={error} />
    </div>
  );
}

/** Every source with stage, kind, format and mapping version (GET /v1/admin/sources). */
export function SourcesPage() {
  const { t } = useTranslation();
  const { can, province } = useAuth();
  const { data, error, reload } = useLoad(
    (signal) => api<SourcePage>('/v1/admin/sources', { signal }),
    [],
    15_000,
  );
  const canAct = can('operator');
  return (
    <>
      <PageHeader title={t('sources.title')}>
        {can('admin') && <Link to="/sources/new">{t('sources.connectNew')}</Link>}
      </PageHeader>
      <ErrorMessage error={error} />
      {!data && !error && <Loading />}
      {data && (
        <DataTable
          caption={t('sources.title')}
          rows={data.items}
          rowKey={(s) => s.key}
          rowProps={(s) => ({ 'data-testid': `source-${s.key}` })}
          empty={province ? t('overview.emptyProvince') : t('overview.empty')}
          scroll
          columns={[
            {
              id: 'source',
              header: t('overview.source'),
              rowHeader: true,
              sortValue: (s) => s.name,
              cell: (s) => (
                <>
                  <Link to={`/sources/${enc(s.key)}`}>{s.name}</Link>
                  <br />
                  <code className="muted">{s.key}</code>
                </>
              ),
            },
            {
              id: 'province',
              header: t('sources.province'),
              sortValue: (s) => s.provinceCode,
              cell: (s) => (
                <>
                  {s.provinceName ?? s.provinceCode} <span className="muted">({s.provinceCode})</span>
                </>
              ),
            },
            {
              id: 'kind',
              header: t('sources.kind'),
              sortValue: (s) => s.kind,
              cell: (s) => t(`sources.kinds.${s.kind}`),
            },
            {
              id: 'format',
              header: t('sources.format'),
              sortValue: (s) => s.format,
              cell: (s) => t(`format.${s.format}`, { defaultValue: s.format }),
            },
            {
              id: 'stage',
              header: t('sources.stage'),
              sortValue: (s) => s.stage,
              cell: (s) => (
                <>
                  <Badge kind="stage" value={s.stage} />{' '}
                  {s.health !== 'healthy' && <Badge kind="health" value={s.health} />}
                </>
              ),
            },
            {
              id: 'mapping',
              header: t('sources.mappingVersion'),
              numeric: true,
              testId: 'mapping-version',
              sortValue: (s) => s.mapping?.version ?? null,
              cell: (s) => (s.mapping ? <Num value={s.mapping.version} /> : '—'),
            },
            canAct && {
              id: 'actions',
              header: t('common.actions'),
              cell: (s) => <SourceActions source={s} onChanged={reload} />,
            },
          ]}
        />
      )}
    </>
  );
}

/**
 * One source: its facts, stage actions and the mapping editor. An admin edits the mapping with the
 * live preview and saves it as a new version; then an operator (or the admin) replays the source's
 * quarantined records with it, which is the "fix the mapping, then replay" flow.
 */
export function SourcePage() {
  const { t } = useTranslation();
  const { can, province } = useAuth();
  const key = useParams().key ?? '';
  const source = useLoad((signal) => api<SourceView>(`/v1/admin/sources/${enc(key)}`, { signal }), [key]);
  const held = useLoad(
    (signal) =>
      api<RecordPage>(
        `/v1/admin/records${query({ status: 'quarantined', sourceKey: key, limit: String(HELD_LIMIT) })}`,
        { signal },
      ),
    [key],
    5000,
  );
  const [current, setCurrent] = useState<SourceView | null>(null);
  const [expression, setExpression] = useState('');
  const [sample, setSample] = useState('');
  const [saved, setSaved] = useState<number | null>(null);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const [replayed, setReplayed] = useState<string | null>(null);
  /** The replay asked for here, as an operation: its progress and Stop below the message. */
  const [replayOperation, setReplayOperation] = useState<string | null>(null);
  const [replayError, setReplayError] = useState<unknown>(null);
  /** The replay of the receipts a mapping change affects, asked for from the trial (shown there). */
  const [trialReplay, setTrialReplay] = useState<string | null>(null);
  const isAdmin = can('admin');
  // An admin previews the draft being typed; anyone else tries samples on the mapping in force.
  const draft = useDraftPreview(
    key,
    expression,
    sample,
    isAdmin ? undefined : { format: current?.format ?? '' },
  );

  // The editor starts from the mapping in force, once per source (not on every refresh).
  useEffect(() => {
    if (source.data && source.data.key === key && current?.key !== key) {
      setCurrent(source.data);
      setExpression(source.data.mapping?.expression ?? '');
    }
  }, [source.data, key, current?.key]);

  if (!current) {
    return (
      <>
        <PageHeader title={t('sources.sourceTitle')} />
        <ErrorMessage error={source.error} />
        {!source.error && <Loading />}
      </>
    );
  }

  const stored = current.mapping?.expression ?? '';
  const dirty = expression !== stored;
  /** Saves the editor's expression as the next mapping version; false when the hub refused it. */
  const save = async (): Promise<boolean> => {
    setSaving(true);
    setSaveError(null);
    setReplayed(null);
    try {
      const next = await saveMapping(key, expression);
      setCurrent(next);
      setSaved(next.mapping?.version ?? null);
      return true;
    } catch (e) {
      setSaveError(e);
      return false;
    } finally {
      setSaving(false);
    }
  };
  const replay = async () => {
    setReplayError(null);
    setReplayed(null);
    try {
      const answer = await replayHeld(key, 'quarantined');
      setReplayed(replayMessage(t, answer));
      setReplayOperation(answer.operationId ?? null);
      held.reload();
    } catch (e) {
      setReplayError(e);
    }
  };
  const heldCount = held.data?.items.length ?? null;
  const callback = current.callback ?? null;
  const format = t(`format.${current.format}`, { defaultValue: current.format });

  return (
    <>
      <PageHeader title={current.name}>
        <Link to={`/receipts?source=${enc(current.key)}`}>{t('sources.seeReceipts')}</Link>
        <Link to="/sources">{t('sources.backToList')}</Link>
      </PageHeader>
      <dl className="facts">
        <dt>{t('sources.key')}</dt>
        <dd>
          <code>{current.key}</code>
        </dd>
        <dt>{t('sources.province')}</dt>
        <dd>
          {current.provinceName ?? current.provinceCode} ({current.provinceCode})
        </dd>
        <dt>{t('sources.kind')}</dt>
        <dd>
          {t(`sources.kinds.${current.kind}`)} · {format}
        </dd>
        <dt>{t('sources.stage')}</dt>
        <dd>
          <Badge kind="stage" value={current.stage} />{' '}
          {current.health !== 'healthy' && <Badge kind="health" value={current.health} />}
        </dd>
        <dt>{t('sources.mappingVersion')}</dt>
        <dd data-testid="mapping-version">
          {current.mapping ? <Num value={current.mapping.version} /> : '—'}
        </dd>
        <dt>{current.kind === 'poll' ? t('sources.lastPoll') : t('sources.lastReceipt')}</dt>
        <dd>
          <DateTime value={current.kind === 'poll' ? current.lastPollAt : current.lastReceiptAt} />
        </dd>
        {current.webhookPath && (
          <>
            <dt>{t('onboarding.webhookUrl')}</dt>
            <dd>
              <code>{`${window.location.origin}${current.webhookPath}`}</code>
            </dd>
          </>
        )}
      </dl>
      {current.lastError && <p className="error">{current.lastError}</p>}
      <SourceActions source={current} onChanged={setCurrent} />
      {!province && <ActivityCharts source={current.key} />}

      <section aria-labelledby="mapping-heading">
        <h2 id="mapping-heading">{t('sources.mappingTitle')}</h2>
        <p className="muted">{isAdmin ? t('sources.mappingHelp') : t('sources.mappingReadOnly')}</p>
        <MappingEditor
          format={current.format}
          expression={expression}
          onExpressionChange={setExpression}
          sample={sample}
          onSampleChange={setSample}
          readOnly={!isAdmin}
          previewStored={!isAdmin}
          draft={draft}
          extraError={saveError}
        />
        {isAdmin && (
          <div className="actions">
            <button
              type="button"
              onClick={() => void save()}
              disabled={saving || !dirty || !expression.trim()}
            >
              {t('sources.saveMapping')}
            </button>
            <button
              type="button"
              className="secondary"
              disabled={saving || !dirty}
              onClick={() => setExpression(stored)}
            >
              {t('sources.discard')}
            </button>
            {dirty && <span className="muted small">{t('sources.unsaved')}</span>}
          </div>
        )}
        {isAdmin && (
          <MappingTrialPanel
            sourceKey={key}
            expression={expression}
            dirty={dirty}
            onPublish={save}
            onReplayStarted={setTrialReplay}
            onReplayEnded={held.reload}
          />
        )}
        {saved !== null && !dirty && (
          <p role="status" className="notice">
            {t('sources.saved', { version: saved })}{' '}
            {trialReplay === null && (heldCount ?? 0) > 0 && t('sources.savedHeldHint')}
          </p>
        )}
      </section>

      <section aria-labelledby="held-heading">
        <h2 id="held-heading">{t('sources.heldTitle')}</h2>
        <p data-testid="held-count">
          {heldCount === null ? (
            t('common.loading')
          ) : heldCount >= HELD_LIMIT ? (
            t('sources.heldMany', { count: HELD_LIMIT })
          ) : (
            <>
              {t('sources.held', { count: heldCount, n: new Intl.NumberFormat('vi-VN').format(heldCount) })}
            </>
          )}{' '}
          <Link to={`/quarantine?status=quarantined&source=${enc(key)}`}>{t('sources.seeHeld')}</Link>
        </p>
        {can('operator') && (
          <div className="actions">
            <button type="button" onClick={() => void replay()} disabled={heldCount === 0 || dirty}>
              {t('sources.replay')}
            </button>
            {dirty && <span className="muted small">{t('sources.saveFirst')}</span>}
          </div>
        )}
        {replayed && (
          <p role="status" className="notice">
            {replayed}
          </p>
        )}
        {replayOperation ? (
          <OperationProgress id={replayOperation} onEnded={held.reload} />
        ) : (
          <UnfinishedOperations
            filter={{ kind: 'replay', sourceKey: key }}
            exclude={trialReplay ? [trialReplay] : []}
          />
        )}
        <ErrorMessage error={replayError ?? held.error} />
      </section>
      <PollBackfillPanel source={current} />
      {callback && <CallbackDeliveries sourceKey={key} callback={callback} />}
    </>
  );
}
