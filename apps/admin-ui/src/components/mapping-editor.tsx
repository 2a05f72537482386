import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, enc, type PreviewAnswer } from '../api';
import { useDebounced } from '../hooks';
import { Badge, ErrorMessage, Findings, JsonBlock } from './ui';

/** Typing pauses this long before the draft mapping is previewed on the sample. */
export const PREVIEW_DEBOUNCE_MS = 600;

export interface DraftPreview {
  preview: PreviewAnswer | null;
  error: unknown;
  busy: boolean;
  /** True when the preview has records and neither they nor the payload have a finding. */
  clean: boolean;
}

/** The Content-Type a sample of the source's format is sent with to the stored mapping's preview. */
const CONTENT_TYPES: Record<string, string> = {
  json: 'application/json',
  'epcis-json': 'application/json',
  xml: 'application/xml',
  'epcis-xml': 'application/xml',
  csv: 'text/csv',
};

/**
 * Runs the typed (unsaved) mapping on the sample through `POST /v1/admin/sources/{key}/preview-draft`
 * once both have stopped changing for PREVIEW_DEBOUNCE_MS. It stores nothing, so typing makes no
 * mapping versions (docs/adr/0003-admin-ui.md).
 *
 * With `stored` (a reader who may not edit mappings: a viewer, an operator, a province's staff), the
 * sample is run through the mapping in force instead (`POST /v1/admin/sources/{key}/preview`, sent as
 * the source's format), and `expression` is not used.
 */
export function useDraftPreview(
  sourceKey: string,
  expression: string,
  sample: string,
  stored?: { format: string },
): DraftPreview {
  const [preview, setPreview] = useState<PreviewAnswer | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const debouncedExpression = useDebounced(expression, PREVIEW_DEBOUNCE_MS);
  const debouncedSample = useDebounced(sample, PREVIEW_DEBOUNCE_MS);
  const storedFormat = stored?.format;

  useEffect(() => {
    if (!debouncedSample.trim()) {
      setPreview(null);
      setError(null);
      return;
    }
    const controller = new AbortController();
    setBusy(true);
    const request =
      storedFormat === undefined
        ? api<PreviewAnswer>(`/v1/admin/sources/${enc(sourceKey)}/preview-draft`, {
            body: { expression: debouncedExpression, sample: debouncedSample },
            signal: controller.signal,
          })
        : api<PreviewAnswer>(`/v1/admin/sources/${enc(sourceKey)}/preview`, {
            method: 'POST',
            raw: { text: debouncedSample, contentType: CONTENT_TYPES[storedFormat] ?? 'text/plain' },
            signal: controller.signal,
          });
    request
      .then((answer) => {
        setError(null);
        setPreview(answer);
      })
      .catch((err: unknown) => {
        if (!controller.signal.aborted) setError(err);
      })
      .finally(() => {
        if (!controller.signal.aborted) setBusy(false);
      });
    return () => controller.abort();
  }, [debouncedExpression, debouncedSample, sourceKey, storedFormat]);

  const clean =
    preview !== null &&
    preview.findings.length === 0 &&
    preview.records.every((r) => !r.findings.some(blocking));
  return { preview, error, busy, clean };
}

/** A warning is shown with its record but does not hold it back. */
const blocking = (f: { severity?: string }): boolean => f.severity !== 'warning';

/** The records and findings a draft mapping makes of the sample, announced politely as they change. */
export function PreviewPanel({ draft, extraError }: { draft: DraftPreview; extraError?: unknown }) {
  const { t } = useTranslation();
  const { preview, busy } = draft;
  // Warnings (the circular's fuller data, a tax code's check digit) are counted apart: they never
  // hold a record back, so they must not read as errors to fix before going live.
  const warnings = preview
    ? preview.records.reduce((n, r) => n + r.findings.filter((f) => !blocking(f)).length, 0)
    : 0;
  return (
    <div aria-live="polite" aria-busy={busy} data-testid="preview">
      <h3>
        {t('mapping.preview')} {busy && <span className="muted small">{t('mapping.previewing')}</span>}
      </h3>
      <ErrorMessage error={draft.error ?? extraError} />
      {preview && (
        <>
          <p data-testid="preview-summary">
            {t('mapping.previewSummary', {
              records: preview.records.length,
              findings:
                preview.findings.length +
                preview.records.reduce((n, r) => n + r.findings.filter(blocking).length, 0),
            })}
          </p>
          {warnings > 0 && (
            <p data-testid="preview-warnings" className="muted">
              {t('mapping.previewWarnings', { count: warnings })}
            </p>
          )}
          <Findings findings={preview.findings} />
          <ol className="plain">
            {preview.records.map((r, i) => (
              <li key={i} className="preview-record">
                <strong>{t(`kind.${r.kind}`, { defaultValue: r.kind })}</strong> <code>{r.key ?? '—'}</code>{' '}
                <Badge kind="status" value={r.findings.some(blocking) ? 'quarantined' : 'ready'} />
                <Findings findings={r.findings} />
                <details>
                  <summary>{t('record.data')}</summary>
                  <JsonBlock value={r.data} />
                </details>
              </li>
            ))}
          </ol>
        </>
      )}
      {!preview && !busy && !draft.error && <p className="muted">{t('mapping.pasteSample')}</p>}
    </div>
  );
}

/**
 * The JSONata expression and a sample payload side by side with the live preview: the one editor
 * the onboarding wizard and a source's mapping page share.
 */
export function MappingEditor({
  format,
  expression,
  onExpressionChange,
  sample,
  onSampleChange,
  readOnly = false,
  previewStored = false,
  draft,
  extraError,
}: {
  format: string;
  expression: string;
  onExpressionChange: (value: string) => void;
  sample: string;
  onSampleChange: (value: string) => void;
  /** A reader who may not edit or save (not an admin) sees the expression only… */
  readOnly?: boolean;
  /** …and, with this, may still try a sample on the mapping in force (`draft` from useDraftPreview with `stored`). */
  previewStored?: boolean;
  /** From useDraftPreview(key, expression, sample) in the parent, which also reads `clean`. */
  draft: DraftPreview;
  extraError?: unknown;
}) {
  const { t } = useTranslation();
  return (
    <div className="split">
      <div>
        <label htmlFor="mapping">{t('mapping.expression')}</label>
        <textarea
          id="mapping"
          className="code"
          rows={14}
          spellCheck={false}
          readOnly={readOnly}
          value={expression}
          onChange={(e) => onExpressionChange(e.target.value)}
        />
        {(!readOnly || previewStored) && (
          <>
            <label htmlFor="sample">
              {readOnly ? t('mapping.sampleStored', { format }) : t('mapping.sample', { format })}
            </label>
            <textarea
              id="sample"
              className="code"
              rows={10}
              spellCheck={false}
              value={sample}
              onChange={(e) => onSampleChange(e.target.value)}
            />
          </>
        )}
      </div>
      {(!readOnly || previewStored) && <PreviewPanel draft={draft} extraError={extraError} />}
    </div>
  );
}
