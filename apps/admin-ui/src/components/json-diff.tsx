import { useTranslation } from 'react-i18next';
import { DataTable } from './data-table';
import { ProvinceName } from './ui';

/** JSON → `{ "/a/b": value }` leaves (JSON Pointer paths), for a field-by-field comparison. */
export function flatten(
  value: unknown,
  path = '',
  out: Map<string, unknown> = new Map(),
): Map<string, unknown> {
  if (value !== null && typeof value === 'object') {
    const entries = Array.isArray(value)
      ? value.map((v, i) => [String(i), v] as const)
      : Object.entries(value);
    if (entries.length === 0) out.set(path || '/', value);
    for (const [k, v] of entries) flatten(v, `${path}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, out);
  } else {
    out.set(path || '/', value);
  }
  return out;
}

const show = (v: unknown): string => (v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));

/** Province codes read as names ("Thành phố Cần Thơ (92)"), a pre-2025 code as "mã cũ 94". */
function Value({ path, value }: { path: string; value: unknown }) {
  const { t } = useTranslation();
  if (typeof value === 'string' && /(^|\/)provinceCode$/.test(path)) return <ProvinceName code={value} />;
  if (typeof value === 'string' && /(^|\/)legacyProvinceCode$/.test(path))
    return <>{t('province.legacy', { code: value })}</>;
  return <>{show(value)}</>;
}

/** One side's value, or a visible "absent" when that side has no such field. */
function Side({ has, value, path }: { has: boolean; value: unknown; path: string }) {
  const { t } = useTranslation();
  return has ? <Value path={path} value={value} /> : <span className="muted">{t('conflicts.absent')}</span>;
}

/** Existing and incoming side by side, changed fields marked (and announced, not only coloured). */
export function JsonDiff({
  left,
  right,
  existingLabel,
}: {
  left: unknown;
  right: unknown;
  /** What the existing side is, when it is not a stored record (a prefix's registered owner). */
  existingLabel?: string;
}) {
  const { t } = useTranslation();
  const a = flatten(left);
  const b = flatten(right);
  const paths = [...new Set([...a.keys(), ...b.keys()])].sort();
  const rows = paths.map((p) => ({
    p,
    changed: a.has(p) !== b.has(p) || show(a.get(p)) !== show(b.get(p)),
  }));
  return (
    <DataTable
      caption={t('conflicts.diffCaption')}
      className="diff"
      rows={rows}
      rowKey={(r) => r.p}
      rowProps={(r) => ({ className: r.changed ? 'changed' : undefined })}
      columns={[
        {
          id: 'field',
          header: t('conflicts.field'),
          rowHeader: true,
          cell: (r) => (
            <>
              <code>{r.p}</code>
              {r.changed && <span className="visually-hidden"> ({t('conflicts.changed')})</span>}
            </>
          ),
        },
        {
          id: 'existing',
          header: existingLabel ?? t('conflicts.existing'),
          cell: (r) => <Side has={a.has(r.p)} value={a.get(r.p)} path={r.p} />,
        },
        {
          id: 'incoming',
          header: t('conflicts.incoming'),
          cell: (r) => <Side has={b.has(r.p)} value={b.get(r.p)} path={r.p} />,
        },
      ]}
    />
  );
}
