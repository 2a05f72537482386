import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, sourceAction, type SourceView, type TestConnectionResult } from '../../api';
import { Badge, CopyButton, ErrorMessage, SecretOnce } from '../../components/ui';

/** Step 3: test the connection (poll), start testing or activate; the webhook URL and secret, once. */
export function ConnectStep({ source, secret }: { source: SourceView; secret: string | null }) {
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
