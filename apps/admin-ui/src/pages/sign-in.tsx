import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api';
import { useAuth } from '../auth';

export function SignInPage() {
  const { t } = useTranslation();
  const { signIn } = useAuth();
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(token.trim());
    } catch (err) {
      setError(
        err instanceof ApiError && err.status === 401
          ? t('signIn.invalid')
          : t('signIn.failed', { message: (err as Error).message }),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" className="sign-in">
      <h1>{t('signIn.title')}</h1>
      <p>{t('signIn.intro')}</p>
      <form onSubmit={(e) => void submit(e)}>
        <label htmlFor="token">{t('signIn.token')}</label>
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="off"
          required
          value={token}
          onChange={(e) => setToken(e.target.value)}
          aria-describedby="token-help"
        />
        <p id="token-help" className="muted">
          {t('signIn.help')}
        </p>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy || token.trim() === ''}>
          {t('signIn.submit')}
        </button>
      </form>
    </main>
  );
}
