/** A number read from text, and the other notation's reading when the text could mean either. */
export interface DecimalReading {
  value: number;
  /** Set when the text is ambiguous ("1.500", "1,500"): what it means in the other notation. */
  alternative?: number;
}

/** One separator between a 1–3 digit group (not a lone leading zero) and exactly three digits. */
const AMBIGUOUS = /^[+-]?[1-9]\d{0,2}[.,]\d{3}$/;

/**
 * Reads a number written in Vietnamese notation (`.` groups thousands, `,` marks decimals:
 * "1.234,5", "1.500", "2,5") or in English notation where the text can only be English
 * ("1,234.5", "2.5", "1,234,567"). With `decimalMark` the notation is the caller's and nothing
 * is guessed.
 *
 * Without it:
 * - both `.` and `,`: the one written last is the decimal mark;
 * - one kind written more than once: it groups thousands;
 * - one separator between 1–3 digits and exactly three digits ("1.500", "1,500"): read in
 *   Vietnamese notation (1500, 1.5) and reported ambiguous with the English reading;
 * - any other single separator is the decimal mark ("2.5", "0.500", "2,5"), since it cannot
 *   be grouping.
 *
 * Spaces (also no-break and narrow no-break) and `'` are ignored. Undefined when the text is
 * not a number.
 */
export function readDecimalText(input: string, decimalMark?: ',' | '.'): DecimalReading | undefined {
  const s = input.normalize('NFC').replace(/[\s\u00a0\u202f']/g, '');
  if (!/^[+-]?[\d.,]+$/.test(s) || !/\d/.test(s)) return undefined;
  if (decimalMark) return withMark(s, decimalMark);
  const dots = (s.match(/\./g) ?? []).length;
  const commas = (s.match(/,/g) ?? []).length;
  if (dots > 0 && commas > 0) return withMark(s, s.lastIndexOf('.') > s.lastIndexOf(',') ? '.' : ',');
  if (dots > 1) return withMark(s, ',');
  if (commas > 1) return withMark(s, '.');
  if (AMBIGUOUS.test(s)) {
    const vietnamese = withMark(s, ',');
    const english = withMark(s, '.');
    if (vietnamese && english) return { value: vietnamese.value, alternative: english.value };
  }
  return withMark(s, dots === 1 ? '.' : ',');
}

function withMark(text: string, decimal: ',' | '.'): DecimalReading | undefined {
  const sign = text.startsWith('-') ? -1 : 1;
  const s = text.replace(/^[+-]/, '');
  const group = decimal === ',' ? '.' : ',';
  const parts = s.split(decimal);
  if (parts.length > 2) return undefined;
  const [intPart, frac = ''] = parts;
  // Grouping separators must sit between digit groups of three ("1.234.567", not "1.23.4").
  const groups = intPart.split(group);
  if (groups.length > 1 && (!/^\d{1,3}$/.test(groups[0]) || groups.slice(1).some((g) => !/^\d{3}$/.test(g))))
    return undefined;
  const digits = groups.join('');
  if (!/^\d*$/.test(digits) || !/^\d*$/.test(frac) || digits + frac === '') return undefined;
  const n = Number(`${digits || '0'}.${frac || '0'}`);
  return Number.isFinite(n) ? { value: sign * n } : undefined;
}
