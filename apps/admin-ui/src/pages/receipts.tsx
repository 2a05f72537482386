import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { api, enc, query, type SourcePage } from '../api';
import { DataTable } from '../components/data-table';
import {
  Badge,
  DateTime,
  ErrorMessage,
  Findings,
  Loading,
  Num,
  PageHeader,
  ProvinceName,
} from '../components/ui';
import { useLoad } from '../hooks';
import {
  RECEIPT_STATUSES,
  type ReceiptDetail,
  type ReceiptPage,
  type ReceiptRecord,
  type ReceiptSummary,
} from '../province-api';
import { receiptPath, RecordLink } from '../components/record-link';

const PAGE = 50;

function ReceiptStatus({ value }: { value: string }) {
  const { t } = useTranslation();
  return (
    <span className={`badge badge-receipt-${value}`} data-testid="receipt-status">
      {t(`receipt.${value}`, { defaultValue: value })}
    </span>
  );
}

/**
 * What became of each webhook or poll page (GET /v1/admin/receipts), newest first: a province reads
 * its own here; the Center reads every province's.
 */
export function ReceiptsPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const source = params.get('source') ?? '';
  const status = (RECEIPT_STATUSES as readonly string[]).includes(params.get('status') ?? '')
    ? (params.get('status') as string)
    : '';
  // Pages fetched so far beyond the first: "more" appends the next one under the same filters.
  const [more, setMore] = useState<{ filter: string; items: ReceiptSummary[]; next: string | null } | null>(
    null,
  );
  const [moreError, setMoreError] = useState<unknown>(null);
  const filter = `${source}|${status}`;
  const sources = useLoad((signal) => api<SourcePage>('/v1/admin/sources', { signal }), []);
  const first = useLoad(
    (signal) =>
      api<ReceiptPage>(`/v1/admin/receipts${query({ sourceKey: source, status, limit: String(PAGE) })}`, {
        signal,
      }),
    [source, status],
    15_000,
  );
  const extra = more?.filter === filter ? more : null;
  const rows = [...(first.data?.items ?? []), ...(extra?.items ?? [])].filter(
    (r, i, all) => all.findIndex((x) => x.id === r.id) === i,
  );
  const nextCursor = extra ? extra.next : (first.data?.nextCursor ?? null);
  const set = (next: Record<string, string>) => {
    const merged = { ...(source ? { source } : {}), ...(status ? { status } : {}), ...next };
    setParams(Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== '')));
  };
  const loadMore = async () => {
    if (!nextCursor) return;
    setMoreError(null);
    try {
      const page = await api<ReceiptPage>(
        `/v1/admin/receipts${query({ sourceKey: source, status, cursor: nextCursor, limit: String(PAGE) })}`,
      );
      setMore({ filter, items: [...(extra?.items ?? []), ...page.items], next: page.nextCursor });
    } catch (e) {
      setMoreError(e);
    }
  };
  const sourceName = (key: string) => sources.data?.items.find((s) => s.key === key)?.name;

  return (
    <>
      <PageHeader title={t('receipts.title')} />
      <p className="muted">{t('receipts.intro')}</p>
      <div className="toolbar">
        <label htmlFor="receipt-source">{t('receipts.source')}</label>
        <select id="receipt-source" value={source} onChange={(e) => set({ source: e.target.value })}>
          <option value="">{t('common.all')}</option>
          {sources.data?.items.map((s) => (
            <option key={s.key} value={s.key}>
              {s.name} ({s.key})
            </option>
          ))}
        </select>
        <label htmlFor="receipt-status">{t('receipts.status')}</label>
        <select id="receipt-status" value={status} onChange={(e) => set({ status: e.target.value })}>
          <option value="">{t('common.all')}</option>
          {RECEIPT_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`receipt.${s}`)}
            </option>
          ))}
        </select>
      </div>
      <ErrorMessage error={first.error ?? moreError} />
      {!first.data && !first.error && <Loading />}
      {first.data && (
        <DataTable<ReceiptSummary>
          caption={t('receipts.caption')}
          rows={rows}
          rowKey={(r) => r.id}
          rowProps={(r) => ({ 'data-testid': `receipt-${r.id}` })}
          empty={t('receipts.none')}
          columns={[
            {
              id: 'at',
              header: t('receipts.receivedAt'),
              sortValue: (r) => r.receivedAt,
              cell: (r) => <DateTime value={r.receivedAt} />,
            },
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
            {
              id: 'source',
              header: t('receipts.source'),
              sortValue: (r) => r.sourceKey,
              cell: (r) => (
                <>
                  {sourceName(r.sourceKey) ?? ''} <code className="muted">{r.sourceKey}</code>
                </>
              ),
            },
            {
              id: 'webhook',
              header: t('record.webhookId'),
              cell: (r) => <code>{r.webhookId ?? '—'}</code>,
            },
            {
              id: 'status',
              header: t('receipts.status'),
              sortValue: (r) => r.status,
              cell: (r) => (
                <>
                  <ReceiptStatus value={r.status} />
                  {r.error && <div className="muted small">{r.error}</div>}
                </>
              ),
            },
            {
              id: 'processed',
              header: t('receipts.processedAt'),
              sortValue: (r) => r.processedAt,
              cell: (r) => <DateTime value={r.processedAt} />,
            },
          ]}
        />
      )}
      {nextCursor && (
        <button type="button" className="secondary" onClick={() => void loadMore()}>
          {t('common.more')}
        </button>
      )}
    </>
  );
}

/** Counts of a receipt's records by outcome, in the order a reader asks about them. */
const OUTCOMES = [
  'synced',
  'ready',
  'quarantined',
  'conflict',
  'duplicate',
  'rejected',
  'failed',
  'received',
];

/**
 * One receipt (GET /v1/admin/receipts/{id}): every record's outcome, findings, the conflict it
 * opened (the other side named by province only) and the version the portal holds.
 */
export function ReceiptPage() {
  const { t } = useTranslation();
  const id = useParams().id ?? '';
  const { data, error } = useLoad(
    (signal) => api<ReceiptDetail>(`/v1/admin/receipts/${enc(id)}`, { signal }),
    [id],
    10_000,
  );
  const counts = new Map<string, number>();
  for (const r of data?.records ?? []) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  const shown = [
    ...OUTCOMES.filter((o) => counts.has(o)),
    ...[...counts.keys()].filter((o) => !OUTCOMES.includes(o)),
  ];
  return (
    <>
      <PageHeader title={t('receipts.detailTitle')}>
        <Link to="/receipts">{t('receipts.backToList')}</Link>
      </PageHeader>
      <ErrorMessage error={error} />
      {!data && !error && <Loading />}
      {data && (
        <>
          <dl className="facts">
            <dt>{t('record.receipt')}</dt>
            <dd>
              <code data-testid="receipt-id">{data.id}</code>
            </dd>
            <dt>{t('receipts.source')}</dt>
            <dd>
              <Link to={`/sources/${enc(data.sourceKey)}`}>
                <code>{data.sourceKey}</code>
              </Link>
            </dd>
            <dt>{t('record.webhookId')}</dt>
            <dd>
              <code>{data.webhookId ?? '—'}</code>
            </dd>
            <dt>{t('receipts.status')}</dt>
            <dd>
              <ReceiptStatus value={data.status} />
            </dd>
            <dt>{t('receipts.receivedAt')}</dt>
            <dd>
              <DateTime value={data.receivedAt} />
            </dd>
            <dt>{t('receipts.processedAt')}</dt>
            <dd>
              <DateTime value={data.processedAt} />
            </dd>
          </dl>
          {data.error && (
            <p className="error" data-testid="receipt-error">
              {data.error}
            </p>
          )}
          {shown.length > 0 && (
            <ul className="cards" aria-label={t('receipts.outcomes')}>
              {shown.map((s) => (
                <li className="card" key={s}>
                  <span className="card-value" data-testid={`receipt-count-${s}`}>
                    <Num value={counts.get(s) ?? 0} />
                  </span>
                  <span className="card-label">{t(`status.${s}`, { defaultValue: s })}</span>
                </li>
              ))}
            </ul>
          )}
          <ReceiptRecords records={data.records} />
        </>
      )}
    </>
  );
}

function ReceiptRecords({ records }: { records: ReceiptRecord[] }) {
  const { t } = useTranslation();
  return (
    <DataTable<ReceiptRecord>
      caption={t('receipts.recordsCaption')}
      captionHidden={false}
      rows={records}
      rowKey={(r, i) => `${r.kind}:${r.key}:${i}`}
      rowProps={(r) => ({ 'data-testid': `receipt-record-${r.key}`, 'data-status': r.status })}
      empty={t('receipts.noRecords')}
      columns={[
        {
          id: 'kind',
          header: t('record.kind'),
          sortValue: (r) => r.kind,
          cell: (r) => t(`kind.${r.kind}`, { defaultValue: r.kind }),
        },
        {
          id: 'key',
          header: t('record.key'),
          rowHeader: true,
          sortValue: (r) => r.key,
          cell: (r) => <RecordLink kind={r.kind} recordKey={r.key} />,
        },
        {
          id: 'version',
          header: t('record.version'),
          numeric: true,
          sortValue: (r) => r.version,
          cell: (r) => <Num value={r.version} />,
        },
        {
          id: 'status',
          header: t('receipts.outcome'),
          sortValue: (r) => r.status,
          testId: 'outcome',
          cell: (r) => <Badge kind="status" value={r.status} />,
        },
        {
          id: 'findings',
          header: t('receipts.findings'),
          cell: (r) => (r.findings.length > 0 ? <Findings findings={r.findings} /> : '—'),
        },
        {
          id: 'conflict',
          header: t('receipts.conflict'),
          testId: 'conflict',
          cell: (r) =>
            r.conflict ? (
              <>
                <Link to={`/conflicts?key=${enc(r.key)}`}>
                  <code>{r.conflict.code}</code>
                </Link>
                {r.conflict.otherProvinceCode && (
                  <div className="small">
                    {t('receipts.otherSide')} <ProvinceName code={r.conflict.otherProvinceCode} />
                  </div>
                )}
              </>
            ) : (
              '—'
            ),
        },
        {
          id: 'portal',
          header: t('receipts.portal'),
          testId: 'portal',
          sortValue: (r) => r.portal?.syncedAt ?? null,
          cell: (r) =>
            r.portal ? (
              <>
                {t('receipts.portalVersion', { version: r.portal.version ?? '—' })}
                <div className="muted small">
                  <DateTime value={r.portal.syncedAt} />
                </div>
              </>
            ) : (
              <span className="muted">{t('receipts.notAtPortal')}</span>
            ),
        },
      ]}
    />
  );
}
