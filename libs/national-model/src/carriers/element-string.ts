import { isPredefinedLength, matchAi } from './ai-table';
import { type CarrierResult, toCarrierData } from './carrier-data';

export const GS = '\u001d';
const SYMBOLOGY_ID = /^\](C1|e0|d2|Q3|J1)/;

/**
 * Parses a GS1 element string: the bracketed human-readable form `(01)…(10)…` or the raw form a
 * scanner sends (FNC1 as GS 0x1D after variable-length values, optionally led by a symbology
 * identifier such as `]C1`, `]d2`, `]Q3`).
 */
export function parseElementString(input: string): CarrierResult {
  const text = input.trim().replace(SYMBOLOGY_ID, '');
  if (text.startsWith('(')) return parseBracketed(text);
  return parseRaw(text.startsWith(GS) ? text.slice(1) : text);
}

function parseBracketed(text: string): CarrierResult {
  const pairs: Array<[string, string]> = [];
  // "(" + 2 to 4 digits + ")" starts the next element, whether the table knows that AI or not
  // (an unknown one is kept when its value is well formed); a "(" followed by anything else is
  // part of the value.
  const re = /\((\d{2,4})\)/g;
  const starts: Array<{ ai: string; at: number; end: number }> = [];
  for (let m = re.exec(text); m; m = re.exec(text)) {
    starts.push({ ai: m[1], at: m.index, end: m.index + m[0].length });
  }
  if (starts.length === 0 || starts[0].at !== 0)
    return { ok: false, error: `"${text}" does not start with an (AI)` };
  for (let i = 0; i < starts.length; i++) {
    const valueEnd = i + 1 < starts.length ? starts[i + 1].at : text.length;
    pairs.push([starts[i].ai, text.slice(starts[i].end, valueEnd)]);
  }
  return toCarrierData(pairs);
}

function parseRaw(text: string): CarrierResult {
  const pairs: Array<[string, string]> = [];
  let pos = 0;
  while (pos < text.length) {
    const def = matchAi(text.slice(pos));
    if (!def)
      return {
        ok: false,
        error: `AI at position ${pos} ("${text.slice(pos, pos + 4)}…") is not in the GS1 table, so its end cannot be found in the raw form; send the bracketed form or a Digital Link`,
      };
    pos += def.ai.length;
    let value: string;
    if (def.fixed) {
      value = text.slice(pos, pos + def.length);
      pos += def.length;
    } else {
      const gs = text.indexOf(GS, pos);
      const end = gs === -1 ? text.length : gs;
      value = text.slice(pos, end);
      pos = end;
    }
    pairs.push([def.ai, value]);
    if (text[pos] === GS) pos += 1;
  }
  if (pairs.length === 0) return { ok: false, error: 'empty element string' };
  return toCarrierData(pairs);
}

/** Bracketed human-readable form: `(01)08935049500018(10)L01`. */
export function buildBracketedElementString(ais: Record<string, string>): string {
  return Object.entries(ais)
    .map(([ai, v]) => `(${ai})${v}`)
    .join('');
}

/**
 * Raw form as encoded in a barcode: predefined-length AIs first (they need no separator), a GS
 * after every other value except the last. `symbologyId` (e.g. `]C1`) is prepended when given.
 */
export function buildRawElementString(ais: Record<string, string>, symbologyId = ''): string {
  const entries = Object.entries(ais);
  const ordered = [
    ...entries.filter(([ai]) => isPredefinedLength(ai)),
    ...entries.filter(([ai]) => !isPredefinedLength(ai)),
  ];
  let out = symbologyId;
  ordered.forEach(([ai, value], i) => {
    out += ai + value;
    if (i < ordered.length - 1 && !isPredefinedLength(ai)) out += GS;
  });
  return out;
}
