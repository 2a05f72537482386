import { useTranslation } from 'react-i18next';
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
function DiffCell({ has, value, path }: { has: boolean; value: unknown; path: string }) {
  const { t } = useTranslation();
  return (
    <td>
      {has ? <Value path={path} value={value} /> : <span className="muted">{t('conflicts.absent')}</span>}
    </td>
  );
}

/** Existing and incoming side by side, changed fields marked (and announced, not only coloured). */
export function JsonDiff({ left, right }: { left: unknown; right: unknown }) {
  const { t } = useTranslation();
  const a = flatten(left);
  const b = flatten(right);
  const paths = [...new Set([...a.keys(), ...b.keys()])].sort();
  return (
    <table className="diff">
      <caption className="visually-hidden">{t('conflicts.diffCaption')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('conflicts.field')}</th>
          <th scope="col">{t('conflicts.existing')}</th>
          <th scope="col">{t('conflicts.incoming')}</th>
        </tr>
      </thead>
      <tbody>
        {paths.map((p) => {
          const changed = a.has(p) !== b.has(p) || show(a.get(p)) !== show(b.get(p));
          return (
            <tr key={p} className={changed ? 'changed' : undefined}>
              <th scope="row">
                <code>{p}</code>
                {changed && <span className="visually-hidden"> ({t('conflicts.changed')})</span>}
              </th>
              <DiffCell has={a.has(p)} value={a.get(p)} path={p} />
              <DiffCell has={b.has(p)} value={b.get(p)} path={p} />
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
