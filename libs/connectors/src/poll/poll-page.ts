import { parsePayload } from '@txng/mapping';
import { type PollSettings, type SourceFormat } from '@txng/persistence';
import { PollErrorCode, PollFetchError } from './poll-fetch.error';

/** What a run needs of one parsed page. */
export interface PageContent {
  items: unknown[];
  /** Cursor pagination: the next cursor, or null when the walk ends here. */
  nextCursor: string | null;
  /** updatedSince pagination: the largest record time on this page, or null. */
  maxRecordTime: string | null;
  /** The total number of items the province reports (`totalPath`), or null when not set or not a count. */
  total: number | null;
}

/**
 * Reads a fetched page far enough to walk on: its items (`itemsPath`), the next cursor and the latest
 * record time. The mapping later sees the whole body; this only counts and steers.
 */
export function readPage(
  format: SourceFormat,
  settings: PollSettings,
  body: Buffer,
  safeUrl: string,
): PageContent {
  let data: unknown;
  try {
    data = parsePayload(format, body).data;
  } catch (error) {
    throw new PollFetchError(
      PollErrorCode.BadPage,
      `A page from ${safeUrl} is not valid ${format}: ${parserHint(error)}. Check the source's format and URL.`,
      false,
    );
  }
  const items = itemsOf(format, data, settings.itemsPath, safeUrl);
  const p = settings.pagination;
  return {
    items,
    nextCursor: p.type === 'cursor' ? cursorOf(valueAt(data, String(p.nextCursorPath))) : null,
    maxRecordTime:
      p.type === 'updatedSince'
        ? latestTime(items.map((item) => timeOf(valueAt(item, String(p.recordTimePath)))))
        : null,
    total: settings.totalPath ? countOf(valueAt(data, settings.totalPath)) : null,
  };
}

/**
 * The parser's complaint without the text it quotes: JSON.parse quotes the start of the body
 * ("Unexpected token '<', "<html>…" is not valid JSON"), and a page's content must not reach
 * lastError or a test-connection answer.
 */
function parserHint(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/(["'`])[^]*?\1/g, '…').slice(0, 200);
}

/** The value at a dotted path (`data.items`, `result.0.records`); the whole value for an empty path. */
export function valueAt(value: unknown, path: string | undefined): unknown {
  if (!path) return value;
  let current = value;
  for (const segment of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

function itemsOf(
  format: SourceFormat,
  data: unknown,
  itemsPath: string | undefined,
  safeUrl: string,
): unknown[] {
  const value = valueAt(data, itemsPath);
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value;
  // XML has no arrays: one child element parses as an object, and is one item.
  if (format !== 'json' && typeof value === 'object') return [value];
  throw new PollFetchError(
    PollErrorCode.BadPage,
    `In a page from ${safeUrl}, itemsPath "${itemsPath ?? ''}" names ${typeof value === 'object' ? 'an object' : `a ${typeof value}`}, not a list of items; fix the source's itemsPath.`,
    false,
  );
}

function countOf(value: unknown): number | null {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : null;
}

function cursorOf(value: unknown): string | null {
  if (typeof value === 'string') return value.trim() === '' ? null : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

function timeOf(value: unknown): string | null {
  if (typeof value === 'string' && value.trim() !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

/**
 * The latest of record times as the province wrote them (sent back to it as they are). Times that
 * parse as dates compare as instants, numbers as numbers, anything else as text.
 */
export function latestTime(values: Array<string | null>): string | null {
  let best: string | null = null;
  for (const value of values) {
    if (value === null) continue;
    if (best === null || compareTimes(value, best) > 0) best = value;
  }
  return best;
}

export function compareTimes(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  if (a.trim() !== '' && b.trim() !== '' && Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
  const da = Date.parse(a);
  const db = Date.parse(b);
  if (!Number.isNaN(da) && !Number.isNaN(db) && da !== db) return da - db;
  if (!Number.isNaN(da) && !Number.isNaN(db)) return 0;
  return a < b ? -1 : a > b ? 1 : 0;
}
