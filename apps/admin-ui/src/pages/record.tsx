import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { api, enc, type RecordDetail, type SourcePage } from '../api';
import { DataTable } from '../components/data-table';
import {
  Badge,
  DateTime,
  ErrorMessage,
  Findings,
  JsonBlock,
  Loading,
  PageHeader,
  ProvinceName,
} from '../components/ui';
import { useLoad } from '../hooks';

/** A field of a record's data, when the data is an object and the field a non-empty string. */
function field(data: unknown, name: string): string | undefined {
  const value =
    data !== null && typeof data === 'object' ? (data as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** One record: current state, every version with provenance and status history, duplicates, conflicts. */
export function RecordPage() {
  const { t } = useTranslation();
  const params = useParams();
  const kind = params.kind ?? '';
  const key = params['*'] ?? '';
  const { data, error } = useLoad(
    (signal) => api<RecordDetail>(`/v1/admin/records/${enc(kind)}/${enc(key)}`, { signal }),
    [kind, key],
    10_000,
  );
  // A key held only in quarantine has no record row, so no provinceCode from the hub: the hub's own
  // rule (the data's provinceCode, else the source's province) gives it here. A pre-2025 code the
  // data was sent with is kept by normalisation as legacyProvinceCode.
  const sources = useLoad((signal) => api<SourcePage>('/v1/admin/sources', { signal }), []);
  const provinceCode =
    data &&
    (data.provinceCode ??
      field(data.data, 'provinceCode') ??
      sources.data?.items.find((s) => s.key === data.source)?.provinceCode);
  return (
    <>
      <PageHeader title={t('record.title')}>
        <Link to={`/search?q=${enc(key)}`}>{t('record.backToSearch')}</Link>
      </PageHeader>
      <ErrorMessage error={error} />
      {!data && !error && <Loading />}
      {data && (
        <>
          <dl className="facts">
            <dt>{t('record.kind')}</dt>
            <dd>{t(`kind.${data.kind}`, { defaultValue: data.kind })}</dd>
            <dt>{t('record.key')}</dt>
            <dd>
              <code data-testid="record-key">{data.key}</code>
            </dd>
            <dt>{t('record.status')}</dt>
            <dd>
              <Badge kind="status" value={data.status} />
            </dd>
            <dt>{t('record.version')}</dt>
            <dd>{data.version ?? '—'}</dd>
            <dt>{t('record.syncedVersion')}</dt>
            <dd>{data.syncedVersion ?? '—'}</dd>
            <dt>{t('record.province')}</dt>
            <dd>
              <ProvinceName code={provinceCode} legacy={field(data.data, 'legacyProvinceCode')} />
            </dd>
          </dl>
          {data.received.length > 0 && (
            <section aria-labelledby="record-received">
              <h2 id="record-received">{t('record.received')}</h2>
              <ul className="plain" data-testid="record-received">
                {data.received.map((r) => (
                  <li key={r.id}>
                    <Badge kind="status" value={r.status} /> <code>{r.source}</code> ·{' '}
                    <code>{r.receiptId}</code> · <DateTime value={r.createdAt} />
                    <Findings findings={r.findings} />
                  </li>
                ))}
              </ul>
            </section>
          )}
          <h2>{t('record.versions')}</h2>
          {data.versionsTotal > data.versions.length && (
            <p className="muted" data-testid="record-versions-shown">
              {t('record.versionsShown', { shown: data.versions.length, total: data.versionsTotal })}
            </p>
          )}
          <ol className="versions">
            {[...data.versions].reverse().map((v) => (
              <li key={v.id}>
                <h3>
                  {v.version !== null ? t('record.versionN', { n: v.version }) : t('record.unnumbered')}{' '}
                  <Badge kind="status" value={v.status} />
                </h3>
                <dl className="facts">
                  <dt>{t('record.source')}</dt>
                  <dd>
                    <code>{v.source}</code>
                  </dd>
                  <dt>{t('record.receipt')}</dt>
                  <dd>
                    <code>{v.receiptId}</code>
                  </dd>
                  <dt>{v.webhookId ? t('record.webhookId') : t('record.pollPage')}</dt>
                  <dd>
                    <code>{v.webhookId ?? JSON.stringify(v.pollPage)}</code>
                  </dd>
                  <dt>{t('record.mappingVersion')}</dt>
                  <dd>{v.mappingVersion ?? '—'}</dd>
                  <dt>{t('record.at')}</dt>
                  <dd>
                    <DateTime value={v.createdAt} />
                  </dd>
                </dl>
                <Findings findings={v.findings} />
                <details>
                  <summary>{t('record.history')}</summary>
                  <DataTable
                    caption={t('record.history')}
                    rows={v.history}
                    rowKey={(_h, i) => String(i)}
                    columns={[
                      { id: 'at', header: t('record.at'), cell: (h) => <DateTime value={h.at} /> },
                      {
                        id: 'status',
                        header: t('record.status'),
                        cell: (h) => <Badge kind="status" value={h.status} />,
                      },
                      { id: 'reason', header: t('record.reason'), cell: (h) => h.reason },
                    ]}
                  />
                </details>
                <details>
                  <summary>{t('record.data')}</summary>
                  <JsonBlock value={v.data} />
                </details>
              </li>
            ))}
          </ol>
          {data.duplicates.length > 0 && (
            <>
              <h2>{t('record.duplicates')}</h2>
              <ul>
                {data.duplicates.map((d) => (
                  <li key={d.receiptId}>
                    <DateTime value={d.at} /> · <code>{d.source}</code> · {d.webhookId ?? '—'} ·{' '}
                    {t('record.versionN', { n: d.version ?? '?' })}
                  </li>
                ))}
              </ul>
            </>
          )}
          {data.conflicts.length > 0 && (
            <>
              <h2>{t('record.conflicts')}</h2>
              <ul>
                {data.conflicts.map((c) => (
                  <li key={c.id}>
                    <code>{c.code}</code> · {t(`conflicts.state.${c.status}`, { defaultValue: c.status })} ·{' '}
                    <DateTime value={c.createdAt} /> <Link to="/conflicts">{t('record.openConflicts')}</Link>
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
