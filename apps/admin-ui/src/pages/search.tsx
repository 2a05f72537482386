import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { api, enc, type SearchAnswer } from '../api';
import { Badge, DateTime, ErrorMessage, Loading, PageHeader, ProvinceName } from '../components/ui';
import { useLoad } from '../hooks';

export const recordPath = (kind: string, key: string): string => `/records/${kind}/${enc(key)}`;

export function SearchPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const [text, setText] = useState(q);
  const { data, error, loading } = useLoad(
    (signal) =>
      q.length >= 2 ? api<SearchAnswer>(`/v1/admin/search?q=${enc(q)}`, { signal }) : Promise.resolve(null),
    [q],
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setParams(text.trim() ? { q: text.trim() } : {});
  };
  return (
    <>
      <PageHeader title={t('search.title')} />
      <form className="toolbar" role="search" onSubmit={submit}>
        <label htmlFor="q">{t('search.label')}</label>
        <input
          id="q"
          type="search"
          value={text}
          minLength={2}
          onChange={(e) => setText(e.target.value)}
          aria-describedby="q-help"
        />
        <button type="submit">{t('search.submit')}</button>
      </form>
      <p id="q-help" className="muted">
        {t('search.help')}
      </p>
      <ErrorMessage error={error} />
      {loading && q && <Loading />}
      {data && (
        <>
          <h2>{t('search.records', { count: data.items.length })}</h2>
          {data.items.length === 0 ? (
            <p>{t('search.none')}</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('record.kind')}</th>
                  <th scope="col">{t('record.key')}</th>
                  <th scope="col">{t('record.version')}</th>
                  <th scope="col">{t('record.status')}</th>
                  <th scope="col">{t('record.source')}</th>
                  <th scope="col">{t('search.matchedBy')}</th>
                  <th scope="col">{t('record.at')}</th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((r) => (
                  <tr key={`${r.kind}|${r.key}`}>
                    <td>{t(`kind.${r.kind}`, { defaultValue: r.kind })}</td>
                    <td>
                      <Link to={recordPath(r.kind, r.key)}>
                        <code>{r.key}</code>
                      </Link>
                    </td>
                    <td className="num">{r.version ?? '—'}</td>
                    <td>
                      <Badge kind="status" value={r.status} />
                    </td>
                    <td>
                      <code>{r.source}</code>
                      {r.provinceCode && (
                        <div className="small muted">
                          <ProvinceName code={r.provinceCode} />
                        </div>
                      )}
                    </td>
                    <td>{r.matchedBy.map((m) => t(`search.by.${m}`, { defaultValue: m })).join(', ')}</td>
                    <td>
                      <DateTime value={r.at} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {data.receipts.length > 0 && (
            <>
              <h2>{t('search.receipts')}</h2>
              <ul>
                {data.receipts.map((r) => (
                  <li key={r.id}>
                    <code>{r.id}</code> · <code>{r.source}</code> · {r.webhookId} ·{' '}
                    {t(`receipt.${r.status}`, { defaultValue: r.status })} · <DateTime value={r.receivedAt} />
                  </li>
                ))}
              </ul>
            </>
          )}
        </>
      )}
    </>
  );
}
