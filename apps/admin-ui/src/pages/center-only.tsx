import { type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { useAuth } from '../auth';
import { PageHeader } from '../components/ui';

/**
 * A screen of the Center's, across every province (roll-out, queues, audit log, onboarding). A
 * province account is not offered it in the navigation, and reaching it by its address says so
 * plainly instead of showing the hub's 403 (the API refuses it such a token all the same).
 */
export function CenterOnly({ page }: { page: ReactNode }) {
  const { t } = useTranslation();
  const { province } = useAuth();
  if (!province) return <>{page}</>;
  return (
    <>
      <PageHeader title={t('centerOnly.title')} />
      <p role="alert" className="notice-muted" data-testid="center-only">
        {t('centerOnly.text')}
      </p>
      <p>
        <Link to="/">{t('centerOnly.back')}</Link>
      </p>
    </>
  );
}
