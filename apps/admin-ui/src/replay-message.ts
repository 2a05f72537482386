import { type TFunction } from 'i18next';
import { type ReplayAnswer } from './api';

/**
 * What the operator is told after asking for a replay: it runs as a job, so the answer is what
 * matched; receipts whose bodies were purged (retention) are named, since they will not change.
 */
export function replayMessage(t: TFunction, answer: ReplayAnswer): string {
  const queued = t('quarantine.replayed', { records: answer.replayed, receipts: answer.receipts });
  return answer.expired > 0 ? queued + t('quarantine.replayedExpired', { expired: answer.expired }) : queued;
}
