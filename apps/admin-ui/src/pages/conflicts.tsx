import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { api, enc, type BulkResolveAnswer, type Conflict, type ConflictPage } from '../api';
import { useAuth } from '../auth';
import { ConflictSides } from '../components/conflict-sides';
import { JsonDiff } from '../components/json-diff';
import {
  Badge,
  DateTime,
  ErrorMessage,
  Findings,
  JsonBlock,
  Loading,
  PageHeader,
  ProvinceName,
} from '../components/ui';
import { useLoad } from '../hooks';
import { OperationProgress, UnfinishedOperations } from '../components/operation-progress';
import { RecordLink } from '../components/record-link';
import { isWithheld, type WithheldSide } from '../province-api';

const DECISIONS = ['keep-existing', 'accept-incoming', 'reject-both'] as const;

function ResolveForm({ conflict, onDone }: { conflict: Conflict; onDone: () => void }) {
  const { t } = useTranslation();
  const [decision, setDecision] = useState<string>('');
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api(`/v1/admin/conflicts/${conflict.id}/resolve`, {
        method: 'POST',
        body: { decision, note: note.trim() },
      });
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} className="resolve">
      <fieldset>
        <legend>{t('conflicts.decision')}</legend>
        {DECISIONS.map((d) => (
          <label key={d} className="radio">
            <input
              type="radio"
              name={`decision-${conflict.id}`}
              value={d}
              checked={decision === d}
              onChange={() => setDecision(d)}
              required
            />
            {t(`conflicts.decisions.${d}`)}
            <span className="muted small"> — {t(`conflicts.explain.${d}`)}</span>
          </label>
        ))}
      </fieldset>
      <label htmlFor={`note-${conflict.id}`}>{t('conflicts.note')}</label>
      <textarea
        id={`note-${conflict.id}`}
        required
        minLength={3}
        rows={2}
        value={note}
        onChange={(e) => setNote(e.target.value)}
      />
      <ErrorMessage error={error} />
      <button type="submit" disabled={busy || !decision || note.trim().length < 3}>
        {t('conflicts.resolve')}
      </button>
    </form>
  );
}

/**
 * One decision over every open conflict of one kind (and source): a throttled operation whose
 * progress shows here, each conflict decided and audited as a single decision would be.
 */
function BulkResolveForm({ conflicts, onEnded }: { conflicts: Conflict[]; onEnded: () => void }) {
  const { t } = useTranslation();
  const codes = [...new Set(conflicts.map((c) => c.code))].sort();
  const sources = [...new Set(conflicts.flatMap((c) => (isWithheld(c.incoming) ? [] : [c.incoming.source])))].sort();
  const [code, setCode] = useState(codes[0] ?? '');
  const [source, setSource] = useState('');
  const [decision, setDecision] = useState<string>('');
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [started, setStarted] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const answer = await api<BulkResolveAnswer>('/v1/admin/conflicts/bulk-resolve', {
        method: 'POST',
        body: { code, sourceKey: source || undefined, decision, note: note.trim() },
      });
      setStarted(answer.operationId);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <details className="bulk-resolve">
      <summary>{t('conflicts.bulk.title')}</summary>
      <p className="muted">{t('conflicts.bulk.intro')}</p>
      <form onSubmit={(e) => void submit(e)} className="resolve">
        <label htmlFor="bulk-code">{t('conflicts.bulk.code')}</label>
        <select id="bulk-code" value={code} onChange={(e) => setCode(e.target.value)}>
          {codes.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
        <label htmlFor="bulk-source">{t('conflicts.bulk.source')}</label>
        <select id="bulk-source" value={source} onChange={(e) => setSource(e.target.value)}>
          <option value="">{t('common.all')}</option>
          {sources.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
        <fieldset>
          <legend>{t('conflicts.decision')}</legend>
          {DECISIONS.map((d) => (
            <label key={d} className="radio">
              <input
                type="radio"
                name="decision-bulk"
                value={d}
                checked={decision === d}
                onChange={() => setDecision(d)}
                required
              />
              {t(`conflicts.decisions.${d}`)}
            </label>
          ))}
        </fieldset>
        <label htmlFor="note-bulk">{t('conflicts.note')}</label>
        <textarea
          id="note-bulk"
          required
          minLength={3}
          rows={2}
          value={note}
          onChange={(e) => setNote(e.target.value)}
        />
        <ErrorMessage error={error} />
        <button type="submit" disabled={!code || !decision || note.trim().length < 3}>
          {t('conflicts.bulk.start')}
        </button>
      </form>
      {started && <OperationProgress id={started} onEnded={onEnded} />}
    </details>
  );
}

/**
 * The side of a conflict that lies in another province, as a province account sees it: that
 * province and the key, never its data (hub-interface.md, "v1 additions").
 */
function WithheldNotice({ side, which }: { side: WithheldSide; which: 'existing' | 'incoming' }) {
  const { t } = useTranslation();
  return (
    <p className="withheld" data-testid="withheld">
      <strong>{t(which === 'existing' ? 'conflicts.existing' : 'conflicts.incoming')}:</strong>{' '}
      {t('conflicts.withheld.held')} <ProvinceName code={side.provinceCode} />, {t('conflicts.withheld.key')}{' '}
      <code>{side.key}</code>. {t('conflicts.withheld.why')}
    </p>
  );
}

/** Open (or resolved) conflicts, each with existing and incoming side by side and the decision form. */
export function ConflictsPage() {
  const { t } = useTranslation();
  const { can, province } = useAuth();
  const [params] = useSearchParams();
  // `?key=` (from a receipt's record) narrows the list to one key's conflicts.
  const key = params.get('key') ?? '';
  const [status, setStatus] = useState<'open' | 'resolved'>('open');
  const [done, setDone] = useState<string | null>(null);
  const { data, error, reload } = useLoad(
    (signal) =>
      api<ConflictPage>(`/v1/admin/conflicts?status=${status}&limit=50${key ? `&key=${enc(key)}` : ''}`, {
        signal,
      }),
    [status, key],
    15_000,
  );
  return (
    <>
      <PageHeader title={t('conflicts.title')}>
        <label htmlFor="conflict-status">{t('conflicts.show')}</label>
        <select
          id="conflict-status"
          value={status}
          onChange={(e) => setStatus(e.target.value as 'open' | 'resolved')}
        >
          <option value="open">{t('conflicts.state.open')}</option>
          <option value="resolved">{t('conflicts.state.resolved')}</option>
        </select>
      </PageHeader>
      {key && (
        <p className="muted">
          {t('conflicts.forKey')} <code>{key}</code> · <Link to="/conflicts">{t('conflicts.allKeys')}</Link>
        </p>
      )}
      {province && <p className="muted">{t('conflicts.centerDecides')}</p>}
      {done && (
        <p role="status" className="notice">
          {done}
        </p>
      )}
      <ErrorMessage error={error} />
      {can('operator') && <UnfinishedOperations filter={{ kind: 'conflict-resolve' }} />}
      {status === 'open' && can('operator') && !province && data && data.items.length > 0 && (
        <BulkResolveForm conflicts={data.items} onEnded={reload} />
      )}
      {!data && !error && <Loading />}
      {data && data.items.length === 0 && <p>{t('conflicts.none')}</p>}
      {data?.items.map((c) => {
        // A province account is answered the other province's side as a WithheldSide (no data).
        const existing = c.existing;
        const incoming = c.incoming;
        const ownExisting = existing === null || isWithheld(existing) ? null : existing;
        const ownIncoming = isWithheld(incoming) ? null : incoming;
        const withheld = isWithheld(existing) || isWithheld(incoming);
        return (
          <article key={c.id} className="conflict" aria-labelledby={`c-${c.id}`} data-testid="conflict">
            <h2 id={`c-${c.id}`}>
              <code>{c.code}</code> · {t(`kind.${c.kind}`, { defaultValue: c.kind })}{' '}
              <RecordLink kind={c.kind} recordKey={c.key} />
            </h2>
            <p className="muted">
              {t('conflicts.explainCode.' + c.code, { defaultValue: '' })} <DateTime value={c.createdAt} />
            </p>
            {ownIncoming && <Findings findings={ownIncoming.findings} />}
            {isWithheld(existing) && <WithheldNotice side={existing} which="existing" />}
            {isWithheld(incoming) && <WithheldNotice side={incoming} which="incoming" />}
            <ConflictSides conflict={c} />
            {isWithheld(existing) && ownIncoming && (
              <details open>
                <summary>{t('conflicts.ownData')}</summary>
                <JsonBlock value={ownIncoming.data} />
              </details>
            )}
            {isWithheld(incoming) && ownExisting && (
              <details open>
                <summary>{t('conflicts.ownData')}</summary>
                <JsonBlock value={ownExisting.data} />
              </details>
            )}
            {!withheld && ownIncoming && (
              <details open={ownExisting !== null}>
                <summary>{t('conflicts.fields')}</summary>
                <JsonDiff
                  left={ownExisting?.data ?? null}
                  right={ownIncoming.data}
                  existingLabel={
                    c.sides?.existing.what === 'registry' ? t('conflicts.sides.noRecord') : undefined
                  }
                />
              </details>
            )}
            {/* The decision changes the other province's record too: it stays the Center's (the API refuses it). */}
            {c.status === 'open' && can('operator') && !province && (
              <ResolveForm
                conflict={c}
                onDone={() => {
                  setDone(t('conflicts.resolved', { key: c.key }));
                  reload();
                }}
              />
            )}
            {c.status === 'resolved' && (
              <p>
                <Badge kind="status" value="resolved" />{' '}
                {t(`conflicts.decisions.${c.decision ?? ''}`, { defaultValue: c.decision ?? '' })} ·{' '}
                {c.resolvedBy} · <DateTime value={c.resolvedAt} /> · {c.note}
              </p>
            )}
          </article>
        );
      })}
    </>
  );
}
