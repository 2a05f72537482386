import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, type PreviewAnswer, type ProvincesAnswer, type SourceView } from '../api';
import { Badge, CopyButton, ErrorMessage, Findings, JsonBlock, PageHeader } from '../components/ui';
import { useDebounced, useLoad } from '../hooks';

const FORMATS = ['json', 'xml', 'csv', 'epcis-json', 'epcis-xml'] as const;
const STARTER_MAPPING =
  '{\n  "products": products.{\n    "gtin": gtin,\n    "name": name,\n    "ownerTaxCode": owner\n  }\n}';
const STARTER_SAMPLE =
  '{\n  "products": [\n    { "gtin": "8930000000019", "name": "Gạo ST25", "owner": "0301234567" }\n  ]\n}';
/** Typing pauses this long before the draft mapping is previewed on the sample. */
const PREVIEW_DEBOUNCE_MS = 600;

interface Details {
  key: string;
  provinceCode: string;
  name: string;
  kind: 'webhook' | 'poll';
  format: string;
  url: string;
  intervalSeconds: string;
  itemsPath: string;
  authType: 'none' | 'apiKey' | 'basic';
  apiKeyName: string;
  apiKeyValue: string;
  username: string;
  password: string;
  pageParam: string;
}

const EMPTY: Details = {
  key: '',
  provinceCode: '',
  name: '',
  kind: 'webhook',
  format: 'json',
  url: '',
  intervalSeconds: '60',
  itemsPath: 'data',
  authType: 'none',
  apiKeyName: 'X-API-Key',
  apiKeyValue: '',
  username: '',
  password: '',
  pageParam: 'page',
};

function definition(d: Details, expression: string): Record<string, unknown> {
  const body: Record<string, unknown> = {
    key: d.key.trim(),
    provinceCode: d.provinceCode,
    name: d.name.trim(),
    kind: d.kind,
    format: d.format,
  };
  if (!d.format.startsWith('epcis') || expression.trim()) body.mapping = { language: 'jsonata', expression };
  if (d.kind === 'poll') {
    const auth =
      d.authType === 'apiKey'
        ? { type: 'apiKey', in: 'header', name: d.apiKeyName, value: d.apiKeyValue }
        : d.authType === 'basic'
          ? { type: 'basic', username: d.username, password: d.password }
          : { type: 'none' };
    body.poll = {
      url: d.url.trim(),
      intervalSeconds: Number(d.intervalSeconds),
      itemsPath: d.itemsPath.trim() || undefined,
      auth,
      pagination: { type: 'page', param: d.pageParam || 'page', startAt: 1 },
    };
  }
  return body;
}

function Field({
  id,
  label,
  help,
  children,
}: {
  id: string;
  label: string;
  help?: string;
  children: ReactNode;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
      {help && (
        <p className="muted small" id={`${id}-help`}>
          {help}
        </p>
      )}
    </div>
  );
}

/** Step 1: what the source is. */
function DetailsStep({ onCreated }: { onCreated(source: SourceView, expression: string): void }) {
  const { t } = useTranslation();
  const provinces = useLoad((signal) => api<ProvincesAnswer>('/v1/admin/provinces', { signal }), []);
  const [d, setD] = useState<Details>(EMPTY);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<Details>) => setD((prev) => ({ ...prev, ...patch }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const expression = d.format.startsWith('epcis') ? '' : STARTER_MAPPING;
      const created = await api<SourceView>('/v1/admin/sources', {
        method: 'POST',
        body: definition(d, expression),
      });
      onCreated(created, expression);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={(e) => void submit(e)} aria-labelledby="step-details">
      <h2 id="step-details">{t('onboarding.step1')}</h2>
      <div className="grid">
        <Field id="src-key" label={t('onboarding.key')} help={t('onboarding.keyHelp')}>
          <input
            id="src-key"
            required
            pattern="[a-z0-9][a-z0-9\-]{1,62}"
            value={d.key}
            onChange={(e) => set({ key: e.target.value })}
            aria-describedby="src-key-help"
          />
        </Field>
        <Field id="src-province" label={t('onboarding.province')}>
          <select
            id="src-province"
            required
            value={d.provinceCode}
            onChange={(e) => set({ provinceCode: e.target.value })}
          >
            <option value="">{t('onboarding.choose')}</option>
            {provinces.data?.items.map((p) => (
              <option key={p.code} value={p.code}>
                {p.name} ({p.code})
              </option>
            ))}
          </select>
        </Field>
        <Field id="src-name" label={t('onboarding.name')}>
          <input id="src-name" required value={d.name} onChange={(e) => set({ name: e.target.value })} />
        </Field>
        <Field id="src-kind" label={t('onboarding.kind')}>
          <select
            id="src-kind"
            value={d.kind}
            onChange={(e) => set({ kind: e.target.value as Details['kind'] })}
          >
            <option value="webhook">{t('onboarding.kinds.webhook')}</option>
            <option value="poll">{t('onboarding.kinds.poll')}</option>
          </select>
        </Field>
        <Field id="src-format" label={t('onboarding.format')}>
          <select id="src-format" value={d.format} onChange={(e) => set({ format: e.target.value })}>
            {FORMATS.map((f) => (
              <option key={f} value={f}>
                {t(`format.${f}`)}
              </option>
            ))}
          </select>
        </Field>
      </div>
      {d.kind === 'poll' && (
        <fieldset>
          <legend>{t('onboarding.pollSettings')}</legend>
          <div className="grid">
            <Field id="poll-url" label={t('onboarding.url')}>
              <input
                id="poll-url"
                type="url"
                required
                value={d.url}
                onChange={(e) => set({ url: e.target.value })}
              />
            </Field>
            <Field id="poll-interval" label={t('onboarding.interval')}>
              <input
                id="poll-interval"
                type="number"
                min={5}
                max={86400}
                required
                value={d.intervalSeconds}
                onChange={(e) => set({ intervalSeconds: e.target.value })}
              />
            </Field>
            <Field id="poll-items" label={t('onboarding.itemsPath')} help={t('onboarding.itemsPathHelp')}>
              <input
                id="poll-items"
                value={d.itemsPath}
                onChange={(e) => set({ itemsPath: e.target.value })}
                aria-describedby="poll-items-help"
              />
            </Field>
            <Field id="poll-page" label={t('onboarding.pageParam')}>
              <input
                id="poll-page"
                required
                value={d.pageParam}
                onChange={(e) => set({ pageParam: e.target.value })}
              />
            </Field>
            <Field id="poll-auth" label={t('onboarding.auth')}>
              <select
                id="poll-auth"
                value={d.authType}
                onChange={(e) => set({ authType: e.target.value as Details['authType'] })}
              >
                <option value="none">{t('onboarding.authTypes.none')}</option>
                <option value="apiKey">{t('onboarding.authTypes.apiKey')}</option>
                <option value="basic">{t('onboarding.authTypes.basic')}</option>
              </select>
            </Field>
            {d.authType === 'apiKey' && (
              <>
                <Field id="poll-key-name" label={t('onboarding.apiKeyName')}>
                  <input
                    id="poll-key-name"
                    required
                    value={d.apiKeyName}
                    onChange={(e) => set({ apiKeyName: e.target.value })}
                  />
                </Field>
                <Field id="poll-key-value" label={t('onboarding.apiKeyValue')}>
                  <input
                    id="poll-key-value"
                    type="password"
                    autoComplete="off"
                    required
                    value={d.apiKeyValue}
                    onChange={(e) => set({ apiKeyValue: e.target.value })}
                  />
                </Field>
              </>
            )}
            {d.authType === 'basic' && (
              <>
                <Field id="poll-user" label={t('onboarding.username')}>
                  <input
                    id="poll-user"
                    required
                    autoComplete="off"
                    value={d.username}
                    onChange={(e) => set({ username: e.target.value })}
                  />
                </Field>
                <Field id="poll-pass" label={t('onboarding.password')}>
                  <input
                    id="poll-pass"
                    type="password"
                    autoComplete="off"
                    required
                    value={d.password}
                    onChange={(e) => set({ password: e.target.value })}
                  />
                </Field>
              </>
            )}
          </div>
        </fieldset>
      )}
      <ErrorMessage error={error} />
      <button type="submit" disabled={busy}>
        {t('onboarding.create')}
      </button>
    </form>
  );
}

/** Step 2: the mapping, previewed on a pasted sample as the operator types, saved on moving on. */
function MappingStep({ source, initial, onNext }: { source: SourceView; initial: string; onNext(): void }) {
  const { t } = useTranslation();
  const [expression, setExpression] = useState(initial);
  const [sample, setSample] = useState(source.format === 'json' ? STARTER_SAMPLE : '');
  const [preview, setPreview] = useState<PreviewAnswer | null>(null);
  const [mappingError, setMappingError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const saved = useRef(initial);
  const debouncedExpression = useDebounced(expression, PREVIEW_DEBOUNCE_MS);
  const debouncedSample = useDebounced(sample, PREVIEW_DEBOUNCE_MS);

  useEffect(() => {
    let cancelled = false;
    const run = async () => {
      if (!debouncedSample.trim()) {
        setPreview(null);
        return;
      }
      setBusy(true);
      try {
        // The draft is previewed as typed and saved only when the operator moves on, so typing
        // makes no mapping versions.
        const answer = await api<PreviewAnswer>(`/v1/admin/sources/${source.key}/preview-draft`, {
          method: 'POST',
          body: { expression: debouncedExpression, sample: debouncedSample },
        });
        if (!cancelled) {
          setMappingError(null);
          setPreview(answer);
        }
      } catch (err) {
        if (!cancelled) setMappingError(err);
      } finally {
        if (!cancelled) setBusy(false);
      }
    };
    void run();
    return () => {
      cancelled = true;
    };
  }, [debouncedExpression, debouncedSample, source.key]);

  const saveAndNext = async () => {
    setBusy(true);
    try {
      if (expression !== saved.current) {
        await api(`/v1/admin/sources/${source.key}`, {
          method: 'PATCH',
          body: { mapping: { language: 'jsonata', expression } },
        });
        saved.current = expression;
      }
      onNext();
    } catch (err) {
      setMappingError(err);
    } finally {
      setBusy(false);
    }
  };

  const clean =
    preview && preview.findings.length === 0 && preview.records.every((r) => r.findings.length === 0);
  return (
    <section aria-labelledby="step-mapping">
      <h2 id="step-mapping">{t('onboarding.step2')}</h2>
      <p className="muted">{t('onboarding.mappingHelp')}</p>
      <div className="split">
        <div>
          <label htmlFor="mapping">{t('onboarding.mapping')}</label>
          <textarea
            id="mapping"
            className="code"
            rows={14}
            spellCheck={false}
            value={expression}
            onChange={(e) => setExpression(e.target.value)}
          />
          <label htmlFor="sample">{t('onboarding.sample', { format: source.format })}</label>
          <textarea
            id="sample"
            className="code"
            rows={10}
            spellCheck={false}
            value={sample}
            onChange={(e) => setSample(e.target.value)}
          />
        </div>
        <div aria-live="polite" aria-busy={busy} data-testid="preview">
          <h3>
            {t('onboarding.preview')}{' '}
            {busy && <span className="muted small">{t('onboarding.previewing')}</span>}
          </h3>
          <ErrorMessage error={mappingError} />
          {preview && (
            <>
              <p data-testid="preview-summary">
                {t('onboarding.previewSummary', {
                  records: preview.records.length,
                  findings:
                    preview.findings.length + preview.records.reduce((n, r) => n + r.findings.length, 0),
                })}
              </p>
              <Findings findings={preview.findings} />
              <ol className="plain">
                {preview.records.map((r, i) => (
                  <li key={i} className="preview-record">
                    <strong>{t(`kind.${r.kind}`, { defaultValue: r.kind })}</strong>{' '}
                    <code>{r.key ?? '—'}</code>{' '}
                    <Badge kind="status" value={r.findings.length === 0 ? 'ready' : 'quarantined'} />
                    <Findings findings={r.findings} />
                    <details>
                      <summary>{t('record.data')}</summary>
                      <JsonBlock value={r.data} />
                    </details>
                  </li>
                ))}
              </ol>
            </>
          )}
        </div>
      </div>
      <button type="button" onClick={() => void saveAndNext()} disabled={busy}>
        {clean ? t('onboarding.next') : t('onboarding.nextAnyway')}
      </button>
    </section>
  );
}

/** Step 3: test the connection (poll), start testing or activate; the webhook URL and secret, once. */
function ConnectStep({ source, secret }: { source: SourceView; secret: string | null }) {
  const { t } = useTranslation();
  const [current, setCurrent] = useState(source);
  const [test, setTest] = useState<{
    ok: boolean;
    status: number | null;
    items: number;
    error?: string;
  } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const url = `${window.location.origin}/v1/webhooks/${source.key}`;

  const stage = async (action: 'start-testing' | 'activate') => {
    setError(null);
    try {
      setCurrent(await api<SourceView>(`/v1/admin/sources/${source.key}/${action}`, { method: 'POST' }));
    } catch (e) {
      setError(e);
    }
  };
  const testConnection = async () => {
    setError(null);
    try {
      setTest(await api(`/v1/admin/sources/${source.key}/test-connection`, { method: 'POST' }));
    } catch (e) {
      setError(e);
    }
  };

  return (
    <section aria-labelledby="step-connect">
      <h2 id="step-connect">{t('onboarding.step3')}</h2>
      <p>
        {t('onboarding.stageNow')} <Badge kind="stage" value={current.stage} />
      </p>
      {source.kind === 'webhook' && (
        <div className="secret-box">
          <p>
            <strong>{t('onboarding.webhookUrl')}</strong> <code data-testid="webhook-url">{url}</code>{' '}
            <CopyButton text={url} label={t('common.copy')} />
          </p>
          {secret ? (
            <p>
              <strong>{t('onboarding.secret')}</strong> <code data-testid="webhook-secret">{secret}</code>{' '}
              <CopyButton text={secret} label={t('common.copy')} />
              <br />
              <span className="warning">{t('onboarding.secretOnce')}</span>
            </p>
          ) : null}
        </div>
      )}
      {source.kind === 'poll' && (
        <p>
          <button type="button" className="secondary" onClick={() => void testConnection()}>
            {t('onboarding.testConnection')}
          </button>{' '}
          {test && (
            <span role="status" className={test.ok ? 'notice' : 'error'}>
              {test.ok
                ? t('onboarding.testOk', { status: test.status, items: test.items })
                : t('onboarding.testFailed', { error: test.error ?? test.status })}
            </span>
          )}
        </p>
      )}
      <ErrorMessage error={error} />
      <div className="actions">
        {current.stage === 'draft' && (
          <button type="button" className="secondary" onClick={() => void stage('start-testing')}>
            {t('onboarding.startTesting')}
          </button>
        )}
        {(current.stage === 'draft' || current.stage === 'testing') && (
          <button type="button" onClick={() => void stage('activate')}>
            {t('onboarding.activate')}
          </button>
        )}
        <Link to="/">{t('onboarding.toOverview')}</Link>
      </div>
    </section>
  );
}

export function OnboardingPage() {
  const { t } = useTranslation();
  const [source, setSource] = useState<SourceView | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const [initial, setInitial] = useState('');
  const [step, setStep] = useState(1);
  return (
    <>
      <PageHeader title={t('onboarding.title')} />
      <ol className="steps" aria-label={t('onboarding.progress')}>
        {[1, 2, 3].map((n) => (
          <li
            key={n}
            aria-current={n === step ? 'step' : undefined}
            className={n === step ? 'current' : n < step ? 'done' : undefined}
          >
            {t(`onboarding.step${n}`)}
          </li>
        ))}
      </ol>
      {step === 1 && (
        <DetailsStep
          onCreated={(created, expression) => {
            setSource(created);
            setSecret(created.webhookSecret ?? null);
            setInitial(expression);
            setStep(2);
          }}
        />
      )}
      {step === 2 && source && <MappingStep source={source} initial={initial} onNext={() => setStep(3)} />}
      {step === 3 && source && <ConnectStep source={source} secret={secret} />}
    </>
  );
}
