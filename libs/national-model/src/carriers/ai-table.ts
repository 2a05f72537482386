import { GS1_AI_ENTRIES, type Gs1AiComponent } from './gs1-ai-table.data';

/** How an AI's value is written: digits only, or character set 82 (or 39/64 in parts). */
export type AiFormat = 'N' | 'X';

export interface AiDefinition {
  ai: string;
  title: string;
  /** 'N' when every component is digits. */
  format: AiFormat;
  /** Exact length for fixed-length AIs; maximum length for variable ones. */
  length: number;
  fixed: boolean;
  /** Predefined length (GS1 General Specifications figure 7.8.5-2): never followed by FNC1. */
  predefinedLength: boolean;
  /** Identifiers that carry a GS1 check digit (in one of their components). */
  checkDigit?: boolean;
  /** YYMMDD dates. */
  date?: boolean;
  /** Primary keys that may start a GS1 Digital Link path. */
  primaryKey?: boolean;
  /** Key qualifiers allowed after a primary key in a Digital Link path: alternative sequences, each in its required order. */
  qualifierSequences?: ReadonlyArray<readonly string[]>;
  /** May be a Digital Link query attribute. */
  dlAttribute: boolean;
  /** The parts of the value, in order (GS1 Barcode Syntax Dictionary). */
  components: readonly Gs1AiComponent[];
}

function toDefinition([
  ai,
  title,
  predefined,
  dlAttribute,
  components,
  dl,
]: (typeof GS1_AI_ENTRIES)[number]): AiDefinition {
  const fixed = components.every(([, min, max, optional]) => min === max && optional === 0);
  return {
    ai,
    title,
    format: components.every(([type]) => type === 'N') ? 'N' : 'X',
    length: components.reduce((n, [, , max]) => n + max, 0),
    fixed,
    predefinedLength: predefined === 1,
    ...(components.some(([, , , , l]) => l.includes('csum')) ? { checkDigit: true } : {}),
    ...(components.length === 1 && /^yymmd[d0]$/.test(components[0][4][0] ?? '') ? { date: true } : {}),
    ...(dl !== null ? { primaryKey: true, qualifierSequences: dl } : {}),
    dlAttribute: dlAttribute === 1,
    components,
  };
}

/**
 * Every Application Identifier of the GS1 General Specifications (§3.2), from the GS1 Barcode
 * Syntax Dictionary (gs1-ai-table.data.ts says which release, and its licence), keyed by AI.
 */
export const AI_TABLE: ReadonlyMap<string, AiDefinition> = new Map(
  GS1_AI_ENTRIES.map((e) => [e[0], toDefinition(e)]),
);

/**
 * AIs whose element-string length is predefined by their first two digits (GS1 General
 * Specifications figure 7.8.5-2): these never take an FNC1 separator after them. Used for AIs
 * the table does not know; known ones carry the flag themselves.
 */
const PREDEFINED_LENGTH_PREFIXES = new Set([
  '00',
  '01',
  '02',
  '03',
  '04',
  '11',
  '12',
  '13',
  '14',
  '15',
  '16',
  '17',
  '18',
  '19',
  '20',
  '31',
  '32',
  '33',
  '34',
  '35',
  '36',
  '41',
]);

export function isPredefinedLength(ai: string): boolean {
  return AI_TABLE.get(ai)?.predefinedLength ?? PREDEFINED_LENGTH_PREFIXES.has(ai.slice(0, 2));
}

/** Finds the AI at the start of `text` (AIs are prefix-free: 2, 3 or 4 digits). */
export function matchAi(text: string): AiDefinition | undefined {
  for (const len of [2, 3, 4]) {
    const def = AI_TABLE.get(text.slice(0, len));
    if (def) return def;
  }
  return undefined;
}
