import { badRequest } from '@txng/common';

/** The `limit` query parameter of every list: a whole number from 1 to 500. */
export function pageSize(limit: string | undefined, fallback = 50): number {
  const size = limit === undefined ? fallback : Number(limit);
  if (!Number.isInteger(size) || size < 1 || size > 500) {
    throw badRequest('limit must be a whole number from 1 to 500.');
  }
  return size;
}

/** Longest record key and source key a query may name (source keys are at most 63; docs/security.md). */
export const RECORD_KEY_MAX = 500;
export const SOURCE_KEY_MAX = 100;

/**
 * A text query parameter of at most `max` characters (docs/security.md, "Input limits"). A repeated
 * parameter reaches a handler as one string ("a,b": the global ValidationPipe transforms it); an
 * array is refused all the same, should that ever change.
 */
export function queryText(value: unknown, name: string, max: number): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw badRequest(`${name} must be given once, as text.`);
  if (value.length > max) throw badRequest(`${name} must be at most ${max} characters.`);
  return value;
}
