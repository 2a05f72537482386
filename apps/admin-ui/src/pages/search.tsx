import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { api, query, type ReceiptHit, type SearchAnswer, type SearchGroup, type SearchHit } from '../api';
import { DataTable } from '../components/data-table';
import { receiptPath, recordKeyColumn, recordPath } from '../components/record-link';
import { Badge, DateTime, ErrorMessage, Loading, Num, PageHeader, ProvinceName } from '../components/ui';
import { useLoad } from '../hooks';

/** Items a group shows per page (the API's default). */
const GROUP_PAGE = 10;

function RecordHits({ group, kindName }: { group: SearchGroup; kindName: string }) {
  const { t } = useTranslation();
  return (
    <DataTable<SearchHit>
      caption={t('search.groupCaption', { kind: kindName })}
      rows={group.items as SearchHit[]}
      rowKey={(r) => `${r.kind}|${r.key}`}
      rowProps={(r) => ({ 'data-testid': 'search-hit', 'data-exact': r.exact ? 'true' : undefined })}
      scroll
      columns={[
        recordKeyColumn<SearchHit>(
          t('record.key'),
          (r) => r.exact && <span className="badge badge-synced"> {t('search.exact')}</span>,
        ),
        { id: 'version', header: t('record.version'), numeric: true, cell: (r) => r.version ?? '—' },
        {
          id: 'status',
          header: t('record.status'),
          sortValue: (r) => r.status,
          cell: (r) => <Badge kind="status" value={r.status} />,
        },
        {
          id: 'source',
          header: t('record.source'),
          sortValue: (r) => r.source,
          cell: (r) => (
            <>
              <code>{r.source}</code>
              {r.provinceCode && (
                <div className="small muted">
                  <ProvinceName code={r.provinceCode} />
                </div>
              )}
            </>
          ),
        },
        {
          id: 'matched',
          header: t('search.matchedBy'),
          cell: (r) => r.matchedBy.map((m) => t(`search.by.${m}`, { defaultValue: m })).join(', '),
        },
        { id: 'at', header: t('record.at'), sortValue: (r) => r.at, cell: (r) => <DateTime value={r.at} /> },
      ]}
    />
  );
}

function ReceiptHits({ receipts }: { receipts: ReceiptHit[] }) {
  const { t } = useTranslation();
  return (
    <DataTable<ReceiptHit>
      caption={t('search.receipts')}
      rows={receipts}
      rowKey={(r) => r.id}
      rowProps={(r) => ({ 'data-testid': 'search-receipt', 'data-exact': r.exact ? 'true' : undefined })}
      columns={[
        {
          id: 'id',
          header: t('record.receipt'),
          rowHeader: true,
          cell: (r) => (
            <Link to={receiptPath(r.id)}>
              <code>{r.id}</code>
            </Link>
          ),
        },
        { id: 'source', header: t('record.source'), cell: (r) => <code>{r.source}</code> },
        { id: 'webhook', header: t('record.webhookId'), cell: (r) => <code>{r.webhookId ?? '—'}</code> },
        {
          id: 'status',
          header: t('record.status'),
          cell: (r) => t(`receipt.${r.status}`, { defaultValue: r.status }),
        },
        { id: 'at', header: t('record.at'), cell: (r) => <DateTime value={r.receivedAt} /> },
      ]}
    />
  );
}

/**
 * What the header's search box found, grouped by kind with counts and paging, the exact key first.
 * Coming from the box (`go=1`), the one exact record the hub names is opened at once.
 */
export function SearchPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const go = params.get('go') === '1';
  const pagedKind = params.get('kind') ?? '';
  const from = params.get('from') ?? '';
  const { data, error, loading } = useLoad(
    (signal) =>
      q.length >= 2
        ? api<SearchAnswer>(`/v1/admin/search${query({ q, kind: pagedKind, cursor: from })}`, { signal })
        : Promise.resolve(null),
    [q, pagedKind, from],
  );

  useEffect(() => {
    if (!go || !data || data.query !== q) return;
    if (data.best) {
      const best = data.best;
      void navigate(best.kind === 'receipt' ? receiptPath(best.key) : recordPath(best.kind, best.key), {
        replace: true,
      });
    } else {
      setParams({ q }, { replace: true });
    }
  }, [go, data, q, navigate, setParams]);

  const kindName = (kind: string): string => t(`kind.${kind}`, { defaultValue: kind });
  const groups = data?.groups ?? [];
  const total = groups.reduce((n, g) => n + g.total, 0);
  const page = (kind: string, cursor: string | null) =>
    setParams(cursor === null ? { q } : { q, kind, from: cursor });

  return (
    <>
      <PageHeader title={t('search.title')} />
      {!q && <p className="muted">{t('header.search')}</p>}
      <ErrorMessage error={error} />
      {loading && q && <Loading />}
      {data && (
        <>
          <p data-testid="search-understood">
            <code>{data.query}</code>
            {data.understood && (
              <>
                {' · '}
                {t('search.understood')}{' '}
                <strong>{t(`search.as.${data.understood.as}`, { defaultValue: data.understood.as })}</strong>
                {data.understood.keys.length > 0 && (
                  <>
                    {' · '}
                    {data.understood.keys.map((k, i) => (
                      <span key={k}>
                        {i > 0 && ', '}
                        <code>{k}</code>
                      </span>
                    ))}
                  </>
                )}
              </>
            )}
          </p>
          {total === 0 && <p>{t('search.none')}</p>}
          {groups.length > 0 && (
            <nav aria-label={t('search.groupsLabel')}>
              <ul className="search-groups">
                {groups.map((g) => (
                  <li key={g.kind}>
                    <a href={`#group-${g.kind}`} data-testid={`group-count-${g.kind}`}>
                      {t(g.complete ? 'search.group' : 'search.groupMore', {
                        kind: kindName(g.kind),
                        count: g.total,
                      })}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          )}
          {groups.map((g) => {
            const offset = g.kind === pagedKind && /^\d+$/.test(from) ? Number(from) : 0;
            return (
              <section
                key={g.kind}
                id={`group-${g.kind}`}
                aria-labelledby={`group-${g.kind}-title`}
                data-testid={`group-${g.kind}`}
              >
                <h2 id={`group-${g.kind}-title`}>
                  {kindName(g.kind)}{' '}
                  <span className="muted">
                    ({<Num value={g.total} />}
                    {g.complete ? '' : '+'})
                  </span>
                </h2>
                {g.kind === 'receipt' ? (
                  <ReceiptHits receipts={g.items as ReceiptHit[]} />
                ) : (
                  <RecordHits group={g} kindName={kindName(g.kind)} />
                )}
                {(offset > 0 || g.nextCursor) && (
                  <div className="pager">
                    <button
                      type="button"
                      className="secondary"
                      disabled={offset === 0}
                      onClick={() =>
                        page(g.kind, offset - GROUP_PAGE <= 0 ? null : String(offset - GROUP_PAGE))
                      }
                    >
                      {t('search.prev')}
                    </button>
                    <span className="muted" data-testid={`group-page-${g.kind}`}>
                      {t('search.page', {
                        from: offset + 1,
                        to: offset + g.items.length,
                        total: `${g.total}${g.complete ? '' : '+'}`,
                      })}
                    </span>
                    <button
                      type="button"
                      className="secondary"
                      disabled={!g.nextCursor}
                      onClick={() => page(g.kind, g.nextCursor)}
                    >
                      {t('search.next')}
                    </button>
                  </div>
                )}
              </section>
            );
          })}
        </>
      )}
    </>
  );
}
