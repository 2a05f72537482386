import { useTranslation } from 'react-i18next';
import { BrowserRouter, Navigate, NavLink, Route, Routes } from 'react-router-dom';
import { AuthProvider, useAuth } from './auth';
import { HeaderSearch } from './components/header-search';
import { LANGUAGES, setLanguage, type Language } from './i18n';
import { AuditPage } from './pages/audit';
import { ConflictsPage } from './pages/conflicts';
import { OnboardingPage } from './pages/onboarding';
import { OverviewPage } from './pages/overview';
import { QuarantinePage } from './pages/quarantine';
import { QueuesPage } from './pages/queues';
import { OperationsPage } from './pages/operations';
import { RecordPage } from './pages/record';
import { RolloutPage } from './pages/rollout';
import { SearchPage } from './pages/search';
import { SignInPage } from './pages/sign-in';
import { SourcePage, SourcesPage } from './pages/sources';

export function App() {
  return (
    <AuthProvider>
      <BrowserRouter basename="/admin">
        <Shell />
      </BrowserRouter>
    </AuthProvider>
  );
}

function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <label className="language">
      <span className="visually-hidden">{t('nav.language')}</span>
      <select
        value={i18n.language}
        onChange={(e) => setLanguage(e.target.value as Language)}
        aria-label={t('nav.language')}
      >
        {LANGUAGES.map((l) => (
          <option key={l} value={l}>
            {t(`language.${l}`)}
          </option>
        ))}
      </select>
    </label>
  );
}

function Shell() {
  const { t } = useTranslation();
  const { session, restoring, signOut, can } = useAuth();
  if (restoring) return <p className="muted">{t('common.loading')}</p>;
  if (!session) {
    return (
      <>
        <header className="topbar">
          <span className="brand">{t('app.title')}</span>
          <LanguageSwitch />
        </header>
        <SignInPage />
      </>
    );
  }
  const links: Array<[string, string, boolean]> = [
    ['/', 'nav.overview', true],
    ['/rollout', 'nav.rollout', true],
    ['/conflicts', 'nav.conflicts', true],
    ['/quarantine', 'nav.quarantine', true],
    ['/queues', 'nav.queues', true],
    ['/sources', 'nav.sources', true],
    ['/sources/new', 'nav.onboarding', can('admin')],
    ['/audit', 'nav.audit', true],
  ];
  return (
    <>
      <a className="skip" href="#main">
        {t('nav.skip')}
      </a>
      <header className="topbar">
        <span className="brand">{t('app.title')}</span>
        <nav aria-label={t('nav.label')}>
          <ul>
            {links
              .filter(([, , shown]) => shown)
              .map(([to, label]) => (
                <li key={to}>
                  <NavLink to={to} end={to === '/' || to === '/sources'}>
                    {t(label)}
                  </NavLink>
                </li>
              ))}
          </ul>
        </nav>
        <HeaderSearch />
        <div className="who">
          <span className="identity" title={`${session.name} · ${t(`role.${session.role}`)}`}>
            <span>{session.name}</span>
            <span data-testid="role">{t(`role.${session.role}`)}</span>
          </span>
          <LanguageSwitch />
          <button type="button" className="secondary" onClick={signOut}>
            {t('nav.signOut')}
          </button>
        </div>
      </header>
      <main id="main">
        <Routes>
          <Route path="/" element={<OverviewPage />} />
          <Route path="/rollout" element={<RolloutPage />} />
          <Route path="/search" element={<SearchPage />} />
          <Route path="/records/:kind/*" element={<RecordPage />} />
          <Route path="/conflicts" element={<ConflictsPage />} />
          <Route path="/quarantine" element={<QuarantinePage />} />
          <Route path="/queues" element={<QueuesPage />} />
          <Route path="/operations" element={<OperationsPage />} />
          <Route
            path="/sources/new"
            element={can('admin') ? <OnboardingPage /> : <Navigate to="/" replace />}
          />
          <Route path="/sources" element={<SourcesPage />} />
          <Route path="/sources/:key" element={<SourcePage />} />
          <Route path="/audit" element={<AuditPage />} />
          <Route path="*" element={<Navigate to="/" replace />} />
        </Routes>
      </main>
    </>
  );
}
