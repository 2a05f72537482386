import { useTranslation } from 'react-i18next';
import { BrowserRouter, Navigate, NavLink, Route, Routes } from 'react-router-dom';
import { AuthProvider, useAuth } from './auth';
import { HeaderSearch } from './components/header-search';
import { LANGUAGES, setLanguage, type Language } from './i18n';
import { AuditPage } from './pages/audit';
import { ConflictsPage } from './pages/conflicts';
import { OnboardingPage } from './pages/onboarding/onboarding-page';
import { OverviewPage } from './pages/overview';
import { QuarantinePage } from './pages/quarantine';
import { QueuesPage } from './pages/queues';
import { OperationsPage } from './pages/operations';
import { ReceiptPage, ReceiptsPage } from './pages/receipts';
import { RecordPage } from './pages/record';
import { RolloutPage } from './pages/rollout';
import { SearchPage } from './pages/search';
import { SignInPage } from './pages/sign-in';
import { SourcePage, SourcesPage } from './pages/sources';
import { CenterOnly } from './pages/center-only';

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
  const { session, restoring, signOut, can, province } = useAuth();
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
  // A province account is offered its own province's screens only: the roll-out, queues, audit log
  // and onboarding are the Center's, across every province (typed in, they say so: CenterOnly).
  // Receipts are in its navigation; the Center, whose top bar is full, opens them from a source's
  // page or the search box.
  const center = !province;
  const links: Array<[string, string, boolean]> = [
    ['/', 'nav.overview', true],
    ['/rollout', 'nav.rollout', center],
    ['/receipts', 'nav.receipts', province],
    ['/conflicts', 'nav.conflicts', true],
    ['/quarantine', 'nav.quarantine', true],
    ['/queues', 'nav.queues', center],
    ['/sources', 'nav.sources', true],
    ['/sources/new', 'nav.onboarding', center && can('admin')],
    ['/audit', 'nav.audit', center],
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
          <span
            className="identity"
            title={[
              session.name,
              t(`role.${session.role}`),
              ...(session.provinces
                ? [t('scope.province', { provinces: session.provinces.join(', ') })]
                : []),
            ].join(' · ')}
          >
            <span>{session.name}</span>
            <span data-testid="role">{t(`role.${session.role}`)}</span>
            {session.provinces && (
              <span className="scope" data-testid="scope">
                {t('scope.province', { provinces: session.provinces.join(', ') })}
              </span>
            )}
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
          <Route path="/rollout" element={<CenterOnly page={<RolloutPage />} />} />
          <Route path="/receipts" element={<ReceiptsPage />} />
          <Route path="/receipts/:id" element={<ReceiptPage />} />
          <Route path="/search" element={<SearchPage />} />
          <Route path="/records/:kind/*" element={<RecordPage />} />
          <Route path="/conflicts" element={<ConflictsPage />} />
          <Route path="/quarantine" element={<QuarantinePage />} />
          <Route path="/queues" element={<CenterOnly page={<QueuesPage />} />} />
          <Route path="/operations" element={<OperationsPage />} />
          <Route
            path="/sources/new"
            element={
              province ? (
                <CenterOnly page={null} />
              ) : can('admin') ? (
                <OnboardingPage />
              ) : (
                <Navigate to="/" replace />
              )
            }
          />
          <Route path="/sources" element={<SourcesPage />} />
          <Route path="/sources/:key" element={<SourcePage />} />
          <Route path="/audit" element={<CenterOnly page={<AuditPage />} />} />
          <Route path="*" element={<Navigate to="/" replace />} />
        </Routes>
      </main>
    </>
  );
}
