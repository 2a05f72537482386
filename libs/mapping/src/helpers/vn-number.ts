/**
 * Numbers as Vietnamese systems write them ("1.234,5", "2,5") and as English ones do ("1,234.5").
 *
 * Rule without a `decimalMark` (documented in docs/mapping-guide.md):
 * - both `.` and `,` present: the one written last is the decimal mark, the other groups thousands;
 * - one kind written more than once ("1.234.567"): it groups thousands;
 * - one separator written once ("2,5", "2.5", "1.234"): it is the decimal mark.
 * "1.234" is therefore 1.234, not 1234: a weight of "2.500" kg with three decimals is more common
 * in traceability data than a grouped integer. Pass `decimalMark` "," for sources that write
 * Vietnamese grouping ("1.234" → 1234) or "." for English grouping ("1,234" → 1234).
 * Returns undefined for text that is not a number.
 */
export function parseVnNumber(input: string, decimalMark?: ',' | '.'): number | undefined {
  let s = input.normalize('NFC').replace(/[\s\u00a0\u202f']/g, '');
  if (!/^[+-]?[\d.,]+$/.test(s) || !/\d/.test(s)) return undefined;
  const sign = s.startsWith('-') ? -1 : 1;
  s = s.replace(/^[+-]/, '');
  let decimal: string;
  if (decimalMark) decimal = decimalMark;
  else {
    const dots = (s.match(/\./g) ?? []).length;
    const commas = (s.match(/,/g) ?? []).length;
    if (dots > 0 && commas > 0) decimal = s.lastIndexOf('.') > s.lastIndexOf(',') ? '.' : ',';
    else if (dots === 1) decimal = '.';
    else if (commas === 1) decimal = ',';
    else if (commas > 1) decimal = '.';
    else decimal = ','; // only dots (grouping) or no separator at all
  }
  const group = decimal === ',' ? '.' : ',';
  const parts = s.split(decimal);
  if (parts.length > 2) return undefined;
  const [intPart, frac = ''] = parts;
  // Grouping separators must sit between digit groups of three ("1.234.567", not "1.23.4").
  const groups = intPart.split(group);
  if (groups.length > 1 && (!/^\d{1,3}$/.test(groups[0]) || groups.slice(1).some((g) => !/^\d{3}$/.test(g))))
    return undefined;
  const digits = groups.join('');
  if (!/^\d+$/.test(digits) || !/^\d*$/.test(frac)) return undefined;
  const n = Number(`${digits}.${frac || '0'}`);
  return Number.isFinite(n) ? sign * n : undefined;
}
