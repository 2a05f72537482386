import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type SourceWithSecrets } from '../../api';
import { ErrorMessage } from '../../components/ui';
import { useProvinces } from '../../hooks';
import { Field, TextField } from './form-fields';
import { definition, type Details, EMPTY, FORMATS, STARTER_MAPPING } from './source-definition';

/** Step 1: what the source is. */
export function DetailsStep({
  onCreated,
}: {
  onCreated: (source: SourceWithSecrets, expression: string) => void;
}) {
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
