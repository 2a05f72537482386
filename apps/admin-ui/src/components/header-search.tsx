import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router-dom';

/**
 * The search box of the top bar, on every screen: whatever is pasted (a GTIN, GLN, SSCC, Digital
 * Link, element string, EPC URN, webhook-id, receipt id) goes to the search page, which opens the
 * record or receipt at once when the hub names one exact match (`go=1`). `/` focuses it from
 * anywhere outside a form field, with what it holds selected (typing replaces it).
 */
export function HeaderSearch() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const location = useLocation();
  const [text, setText] = useState('');
  const input = useRef<HTMLInputElement>(null);

  // On the search page the box shows what is being searched.
  useEffect(() => {
    if (location.pathname === '/search') setText(new URLSearchParams(location.search).get('q') ?? '');
  }, [location.pathname, location.search]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey) return;
      if (target?.closest('input, textarea, select, [contenteditable="true"]')) return;
      e.preventDefault();
      input.current?.focus();
      input.current?.select();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const q = text.trim();
    if (q.length < 2) return;
    void navigate(`/search?${new URLSearchParams({ q, go: '1' }).toString()}`);
  };

  return (
    <form className="header-search" role="search" aria-label={t('nav.search')} onSubmit={submit}>
      <label htmlFor="header-q" className="visually-hidden">
        {t('header.search')}
      </label>
      <input
        id="header-q"
        ref={input}
        type="search"
        value={text}
        minLength={2}
        maxLength={300}
        autoComplete="off"
        spellCheck={false}
        placeholder={t('header.searchPlaceholder')}
        title={t('header.search')}
        aria-keyshortcuts="/"
        onChange={(e) => setText(e.target.value)}
      />
      <button type="submit">{t('header.searchSubmit')}</button>
    </form>
  );
}
