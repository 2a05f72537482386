import { type ValidationPolicy } from '@txng/national-model';
import { type SourcePolicy } from '@txng/persistence';

/**
 * The checks a source's policy asks of its records, every one spelled out (an image only when asked
 * for; net content unless turned off), as a preview or a mapping trial judges them.
 */
export function validationPolicy(source: { policy: SourcePolicy }): ValidationPolicy {
  return {
    requireProductImage: source.policy.requireProductImage ?? false,
    requireNetContent: source.policy.requireNetContent ?? true,
  };
}
