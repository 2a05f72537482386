import { useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import {
  api,
  saveMapping,
  sourceAction,
  type SourceView,
  type SourceWithSecrets,
  type TestConnectionResult,
} from '../api';
import { MappingEditor, useDraftPreview } from '../components/mapping-editor';
import { Badge, CopyButton, ErrorMessage, PageHeader, SecretOnce } from '../components/ui';
import { useProvinces } from '../hooks';

const FORMATS = ['json', 'xml', 'csv', 'epcis-json', 'epcis-xml'] as const;
const STARTER_MAPPING =
  '{\n  "products": products.{\n    "gtin": gtin,\n    "name": name,\n    "ownerTaxCode": owner\n  }\n}';
const STARTER_SAMPLE =
  '{\n  "products": [\n    { "gtin": "8930000000019", "name": "Gạo ST25", "owner": "0301234567" }\n  ]\n}';

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

/** A labelled text input bound to one of the wizard's fields. */
function TextField({
  id,
  label,
  help,
  value,
  onChange,
  type = 'text',
  required = true,
  secret = false,
  pattern,
}: {
  id: string;
  label: string;
  help?: string;
  value: string;
  onChange: (value: string) => void;
  type?: 'text' | 'url';
  required?: boolean;
  /** A password or API key: masked, never autocompleted. */
  secret?: boolean;
  pattern?: string;
}) {
  return (
    <Field id={id} label={label} help={help}>
      <input
        id={id}
        type={secret ? 'password' : type}
        autoComplete={secret ? 'off' : undefined}
        required={required}
        pattern={pattern}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-describedby={help ? `${id}-help` : undefined}
      />
    </Field>
  );
}

/** Step 1: what the source is. */
function DetailsStep({ onCreated }: { onCreated: (source: SourceWithSecrets, expression: string) => void }) {
  const { t } = useTranslation();
  const provinces = useProvinces();
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
      const created = await api<SourceWithSecrets>('/v1/admin/sources', {
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
        <TextField
          id="src-key"
          label={t('onboarding.key')}
          help={t('onboarding.keyHelp')}
          pattern="[a-z0-9][a-z0-9\-]{1,62}"
          value={d.key}
          onChange={(key) => set({ key })}
        />
        <Field id="src-province" label={t('onboarding.province')}>
          <select
            id="src-province"
            required
            value={d.provinceCode}
            onChange={(e) => set({ provinceCode: e.target.value })}
          >
            <option value="">{t('onboarding.choose')}</option>
            {provinces?.map((p) => (
              <option key={p.code} value={p.code}>
                {p.name} ({p.code})
              </option>
            ))}
          </select>
        </Field>
        <TextField
          id="src-name"
          label={t('onboarding.name')}
          value={d.name}
          onChange={(name) => set({ name })}
        />
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
            <TextField
              id="poll-url"
              type="url"
              label={t('onboarding.url')}
              value={d.url}
              onChange={(url) => set({ url })}
            />
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
            <TextField
              id="poll-items"
              label={t('onboarding.itemsPath')}
              help={t('onboarding.itemsPathHelp')}
              required={false}
              value={d.itemsPath}
              onChange={(itemsPath) => set({ itemsPath })}
            />
            <TextField
              id="poll-page"
              label={t('onboarding.pageParam')}
              value={d.pageParam}
              onChange={(pageParam) => set({ pageParam })}
            />
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
                <TextField
                  id="poll-key-name"
                  label={t('onboarding.apiKeyName')}
                  value={d.apiKeyName}
                  onChange={(apiKeyName) => set({ apiKeyName })}
                />
                <TextField
                  id="poll-key-value"
                  secret
                  label={t('onboarding.apiKeyValue')}
                  value={d.apiKeyValue}
                  onChange={(apiKeyValue) => set({ apiKeyValue })}
                />
              </>
            )}
            {d.authType === 'basic' && (
              <>
                <TextField
                  id="poll-user"
                  label={t('onboarding.username')}
                  value={d.username}
                  onChange={(username) => set({ username })}
                />
                <TextField
                  id="poll-pass"
                  secret
                  label={t('onboarding.password')}
                  value={d.password}
                  onChange={(password) => set({ password })}
                />
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
function MappingStep({
  source,
  initial,
  onNext,
}: {
  source: SourceView;
  initial: string;
  onNext: () => void;
}) {
  const { t } = useTranslation();
  const [expression, setExpression] = useState(initial);
  const [sample, setSample] = useState(source.format === 'json' ? STARTER_SAMPLE : '');
  const [saveError, setSaveError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const saved = useRef(initial);
  const draft = useDraftPreview(source.key, expression, sample);

  const saveAndNext = async () => {
    setSaving(true);
    setSaveError(null);
    try {
      if (expression !== saved.current) {
        await saveMapping(source.key, expression);
        saved.current = expression;
      }
      onNext();
    } catch (err) {
      setSaveError(err);
    } finally {
      setSaving(false);
    }
  };

  return (
    <section aria-labelledby="step-mapping">
      <h2 id="step-mapping">{t('onboarding.step2')}</h2>
      <p className="muted">{t('onboarding.mappingHelp')}</p>
      <MappingEditor
        format={source.format}
        expression={expression}
        onExpressionChange={setExpression}
        sample={sample}
        onSampleChange={setSample}
        draft={draft}
        extraError={saveError}
      />
      <button type="button" onClick={() => void saveAndNext()} disabled={saving || draft.busy}>
        {draft.clean ? t('onboarding.next') : t('onboarding.nextAnyway')}
      </button>
    </section>
  );
}

/** Step 3: test the connection (poll), start testing or activate; the webhook URL and secret, once. */
function ConnectStep({ source, secret }: { source: SourceView; secret: string | null }) {
  const { t } = useTranslation();
  const [current, setCurrent] = useState(source);
  const [test, setTest] = useState<TestConnectionResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const url = `${window.location.origin}/v1/webhooks/${source.key}`;

  const stage = async (action: 'start-testing' | 'activate') => {
    setError(null);
    try {
      setCurrent(await sourceAction(source.key, action));
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
          {secret ? <SecretOnce secret={secret} /> : null}
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
