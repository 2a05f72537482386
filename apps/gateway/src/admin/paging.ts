import { badRequest } from '@txng/common';

/** The `limit` query parameter of every list: a whole number from 1 to 500. */
export function pageSize(limit: string | undefined, fallback = 50): number {
  const size = limit === undefined ? fallback : Number(limit);
  if (!Number.isInteger(size) || size < 1 || size > 500) {
    throw badRequest('limit must be a whole number from 1 to 500.');
  }
  return size;
}
