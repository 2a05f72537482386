/** How an AI's value is written: digits only, or character set 82. */
export type AiFormat = 'N' | 'X';

export interface AiDefinition {
  ai: string;
  title: string;
  format: AiFormat;
  /** Exact length for fixed-length AIs; maximum length for variable ones. */
  length: number;
  fixed: boolean;
  /** Identifiers that carry a GS1 check digit in their last position. */
  checkDigit?: boolean;
  /** YYMMDD dates. */
  date?: boolean;
  /** Primary keys that may start a GS1 Digital Link path. */
  primaryKey?: boolean;
  /** Key qualifiers allowed after a primary key in a Digital Link path, in their required order. */
  qualifiers?: string[];
}

const defs: AiDefinition[] = [
  { ai: '00', title: 'SSCC', format: 'N', length: 18, fixed: true, checkDigit: true, primaryKey: true },
  {
    ai: '01',
    title: 'GTIN',
    format: 'N',
    length: 14,
    fixed: true,
    checkDigit: true,
    primaryKey: true,
    qualifiers: ['22', '10', '21'],
  },
  { ai: '02', title: 'CONTENT', format: 'N', length: 14, fixed: true, checkDigit: true },
  { ai: '10', title: 'BATCH/LOT', format: 'X', length: 20, fixed: false },
  { ai: '11', title: 'PROD DATE', format: 'N', length: 6, fixed: true, date: true },
  { ai: '12', title: 'DUE DATE', format: 'N', length: 6, fixed: true, date: true },
  { ai: '13', title: 'PACK DATE', format: 'N', length: 6, fixed: true, date: true },
  { ai: '15', title: 'BEST BEFORE or BEST BY', format: 'N', length: 6, fixed: true, date: true },
  { ai: '16', title: 'SELL BY', format: 'N', length: 6, fixed: true, date: true },
  { ai: '17', title: 'USE BY OR EXPIRY', format: 'N', length: 6, fixed: true, date: true },
  { ai: '20', title: 'VARIANT', format: 'N', length: 2, fixed: true },
  { ai: '21', title: 'SERIAL', format: 'X', length: 20, fixed: false },
  { ai: '22', title: 'CPV', format: 'X', length: 20, fixed: false },
  { ai: '30', title: 'VAR. COUNT', format: 'N', length: 8, fixed: false },
  { ai: '37', title: 'COUNT', format: 'N', length: 8, fixed: false },
  { ai: '254', title: 'GLN EXTENSION COMPONENT', format: 'X', length: 20, fixed: false },
  { ai: '400', title: 'ORDER NUMBER', format: 'X', length: 30, fixed: false },
  { ai: '401', title: 'GINC', format: 'X', length: 30, fixed: false, primaryKey: true },
  { ai: '402', title: 'GSIN', format: 'N', length: 17, fixed: true, checkDigit: true, primaryKey: true },
  { ai: '410', title: 'SHIP TO LOC', format: 'N', length: 13, fixed: true, checkDigit: true },
  { ai: '411', title: 'BILL TO', format: 'N', length: 13, fixed: true, checkDigit: true },
  { ai: '412', title: 'PURCHASE FROM', format: 'N', length: 13, fixed: true, checkDigit: true },
  { ai: '413', title: 'SHIP FOR LOC', format: 'N', length: 13, fixed: true, checkDigit: true },
  {
    ai: '414',
    title: 'LOC No.',
    format: 'N',
    length: 13,
    fixed: true,
    checkDigit: true,
    primaryKey: true,
    qualifiers: ['254'],
  },
  { ai: '415', title: 'PAY TO', format: 'N', length: 13, fixed: true, checkDigit: true },
  { ai: '416', title: 'PROD/SERV LOC', format: 'N', length: 13, fixed: true, checkDigit: true },
  { ai: '417', title: 'PARTY', format: 'N', length: 13, fixed: true, checkDigit: true, primaryKey: true },
  { ai: '422', title: 'ORIGIN', format: 'N', length: 3, fixed: true },
];
// Trade measures 310n–369n: six digits with n implied decimals. Only the ones the hub reads.
const measures: Array<[string, string]> = [
  ['310', 'NET WEIGHT (kg)'],
  ['320', 'NET WEIGHT (lb)'],
  ['315', 'NET VOLUME (l)'],
  ['330', 'GROSS WEIGHT (kg)'],
];
for (const [base, title] of measures) {
  for (let n = 0; n <= 5; n++) defs.push({ ai: `${base}${n}`, title, format: 'N', length: 6, fixed: true });
}

/** Application Identifier definitions (GS1 General Specifications §3.2), keyed by AI. */
export const AI_TABLE: ReadonlyMap<string, AiDefinition> = new Map(defs.map((d) => [d.ai, d]));

/**
 * AIs whose element-string length is predefined by their first two digits (GS1 General
 * Specifications figure 7.8.5-2): these never take an FNC1 separator after them.
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
  return PREDEFINED_LENGTH_PREFIXES.has(ai.slice(0, 2));
}

/** Finds the AI at the start of `text` (AIs are prefix-free: 2, 3 or 4 digits). */
export function matchAi(text: string): AiDefinition | undefined {
  for (const len of [2, 3, 4]) {
    const def = AI_TABLE.get(text.slice(0, len));
    if (def) return def;
  }
  return undefined;
}
