import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type SourceView } from '../../api';
import { PageHeader } from '../../components/ui';
import { ConnectStep } from './connect-step';
import { DetailsStep } from './details-step';
import { MappingStep } from './mapping-step';

/** Connecting a new source in three steps: what it is, its mapping, and how it connects. */
export function OnboardingPage() {
  const { t } = useTranslation();
  const [source, setSource] = useState<SourceView | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const [initial, setInitial] = useState('');
  const [step, setStep] = useState(1);
  return (
    <>
      <PageHeader title={t('onboarding.title')} />
      <ol className="steps" aria-label={t('onboarding.progress')}>
        {[1, 2, 3].map((n) => (
          <li
            key={n}
            aria-current={n === step ? 'step' : undefined}
            className={n === step ? 'current' : n < step ? 'done' : undefined}
          >
            {t(`onboarding.step${n}`)}
          </li>
        ))}
      </ol>
      {step === 1 && (
        <DetailsStep
          onCreated={(created, expression) => {
            setSource(created);
            setSecret(created.webhookSecret ?? null);
            setInitial(expression);
            setStep(2);
          }}
        />
      )}
      {step === 2 && source && <MappingStep source={source} initial={initial} onNext={() => setStep(3)} />}
      {step === 3 && source && <ConnectStep source={source} secret={secret} />}
    </>
  );
}
