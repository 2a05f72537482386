import { readDecimalText } from '@txng/national-model';

/**
 * A number from text in Vietnamese notation ("1.234,5", "1.500", "2,5"), or in English notation
 * where the text can only be English ("1,234.5", "2.5"). The rule is the national model's
 * `readDecimalText` (documented in docs/mapping-guide.md): "1.500" is 1500 unless `decimalMark`
 * "." says the source writes English. Returns undefined for text that is not a number.
 */
export function parseVnNumber(input: string, decimalMark?: ',' | '.'): number | undefined {
  return readDecimalText(input, decimalMark)?.value;
}

/** True when the text reads as one number in Vietnamese notation and another in English ("1.500"). */
export function isAmbiguousNumber(input: string): boolean {
  return readDecimalText(input)?.alternative !== undefined;
}
