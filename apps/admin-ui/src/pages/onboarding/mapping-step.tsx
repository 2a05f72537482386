import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { saveMapping, type SourceView } from '../../api';
import { MappingEditor, useDraftPreview } from '../../components/mapping-editor';

const STARTER_SAMPLE =
  '{\n  "products": [\n    { "gtin": "8930000000019", "name": "Gạo ST25", "owner": "0301234567" }\n  ]\n}';

/** Step 2: the mapping, previewed on a pasted sample as the operator types, saved on moving on. */
export function MappingStep({
  source,
  initial,
  onNext,
}: {
  source: SourceView;
  initial: string;
  onNext: () => void;
}) {
  const { t } = useTranslation();
  const [expression, setExpression] = useState(initial);
  const [sample, setSample] = useState(source.format === 'json' ? STARTER_SAMPLE : '');
  const [saveError, setSaveError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const saved = useRef(initial);
  const draft = useDraftPreview(source.key, expression, sample);

  const saveAndNext = async () => {
    setSaving(true);
    setSaveError(null);
    try {
      if (expression !== saved.current) {
        await saveMapping(source.key, expression);
        saved.current = expression;
      }
      onNext();
    } catch (err) {
      setSaveError(err);
    } finally {
      setSaving(false);
    }
  };

  return (
    <section aria-labelledby="step-mapping">
      <h2 id="step-mapping">{t('onboarding.step2')}</h2>
      <p className="muted">{t('onboarding.mappingHelp')}</p>
      <MappingEditor
        format={source.format}
        expression={expression}
        onExpressionChange={setExpression}
        sample={sample}
        onSampleChange={setSample}
        draft={draft}
        extraError={saveError}
      />
      <button type="button" onClick={() => void saveAndNext()} disabled={saving || draft.busy}>
        {draft.clean ? t('onboarding.next') : t('onboarding.nextAnyway')}
      </button>
    </section>
  );
}
