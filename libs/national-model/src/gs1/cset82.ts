/**
 * GS1 AI encodable character set 82 (GS1 General Specifications figure 7.11-1): printable ASCII
 * without space, `#`, `$`, `@`, `[`, `\`, `]`, `^`, backquote, `{`, `|`, `}` and `~`.
 */
const CSET82 = /^[!"%-?A-Z_a-z]*$/;

/** True when every character of `value` is in character set 82. */
export function isCset82(value: string): boolean {
  return CSET82.test(value);
}

/** Lot (AI 10) and serial (AI 21) values: 1–20 characters of set 82. */
export function isValidLotOrSerial(value: string): boolean {
  return value.length >= 1 && value.length <= 20 && isCset82(value);
}
