import { type PollSettings } from '@txng/persistence';
import { type PageRequest, pageStart } from './poll-fetcher';
import { compareTimes, type PageContent } from './poll-page';

/**
 * Where the next run starts, stored in `source.checkpoint`. It only moves in the transaction that
 * stores a page, so after a crash the next run re-reads a page rather than skipping one.
 * `lastPageSha256` is the last stored page's digest: the same page read again unchanged (the
 * documented overlap) is not stored twice.
 */
export type PollCheckpoint =
  | { type: 'page'; page: number; lastPageSha256?: string }
  | { type: 'cursor'; cursor: string | null; lastPageSha256?: string }
  | { type: 'updatedSince'; since: string | null; lastPageSha256?: string };

/** The stored checkpoint if it fits the source's pagination, else the start of the walk. */
export function startingCheckpoint(
  settings: PollSettings,
  stored: Record<string, unknown> | null,
): PollCheckpoint {
  const type = settings.pagination.type;
  if (stored && stored.type === type) {
    const sha = typeof stored.lastPageSha256 === 'string' ? stored.lastPageSha256 : undefined;
    if (type === 'page' && typeof stored.page === 'number')
      return { type, page: stored.page, lastPageSha256: sha };
    if (type === 'cursor' && (typeof stored.cursor === 'string' || stored.cursor === null))
      return { type, cursor: stored.cursor, lastPageSha256: sha };
    if (type === 'updatedSince' && (typeof stored.since === 'string' || stored.since === null))
      return { type, since: stored.since, lastPageSha256: sha };
  }
  return initialCheckpoint(settings);
}

export function initialCheckpoint(settings: PollSettings): PollCheckpoint {
  switch (settings.pagination.type) {
    case 'page':
      return { type: 'page', page: pageStart(settings) };
    case 'cursor':
      return { type: 'cursor', cursor: null };
    default:
      return { type: 'updatedSince', since: null };
  }
}

export function requestFor(checkpoint: PollCheckpoint): PageRequest {
  if (checkpoint.type === 'page') return { page: checkpoint.page };
  if (checkpoint.type === 'cursor') return { cursor: checkpoint.cursor };
  return { since: checkpoint.since };
}

/** What a run does after reading a page: the checkpoint it leads to, and the next page to read. */
export interface Step {
  /** The new checkpoint; null leaves the current one as it is. */
  checkpoint: PollCheckpoint | null;
  /** The position of the next page to read in this run; null ends the walk. */
  next: PollCheckpoint | null;
}

/**
 * One step of the walk from the page read at `position`, per pagination kind (hub-interface.md,
 * "Sources"):
 * - page: a page with no items ends the walk. A full page moves the checkpoint past it; a page not
 *   known to be full (fewer items than `size`, or, when `size` is not set, than the largest earlier
 *   page of this run) becomes the checkpoint, so items the province appends to it later are found.
 * - cursor: the checkpoint follows `nextCursorPath`; when that is empty the walk ends and the
 *   checkpoint keeps the cursor of the last page, which the next run reads again.
 * - updatedSince: the checkpoint is the largest record time seen; the walk ends on an empty page or
 *   when a page brings no later time (so a run never loops on one instant).
 */
export function step(
  position: PollCheckpoint,
  page: PageContent,
  settings: PollSettings,
  largestEarlierPage: number,
): Step {
  const count = page.items.length;
  switch (position.type) {
    case 'page': {
      if (count === 0) return { checkpoint: null, next: null };
      const sizeKnown = typeof settings.pagination.size === 'number';
      const size = sizeKnown ? (settings.pagination.size as number) : largestEarlierPage;
      const following: PollCheckpoint = { type: 'page', page: position.page + 1 };
      if (size > 0 && count >= size) return { checkpoint: following, next: following };
      return { checkpoint: { type: 'page', page: position.page }, next: sizeKnown ? null : following };
    }
    case 'cursor':
      if (page.nextCursor) {
        const following: PollCheckpoint = { type: 'cursor', cursor: page.nextCursor };
        return { checkpoint: following, next: following };
      }
      return { checkpoint: count > 0 ? { type: 'cursor', cursor: position.cursor } : null, next: null };
    case 'updatedSince': {
      if (count === 0 || page.maxRecordTime === null) return { checkpoint: null, next: null };
      const since =
        position.since === null || compareTimes(page.maxRecordTime, position.since) > 0
          ? page.maxRecordTime
          : position.since;
      const moved: PollCheckpoint = { type: 'updatedSince', since };
      return { checkpoint: moved, next: since !== position.since ? moved : null };
    }
  }
}
