import { type PollSettings } from '@txng/persistence';
import { step } from './poll-checkpoint';
import { backoffSeconds } from './poll-runner';
import { buildPageUrl } from './poll-fetcher';

const settings = (
  pagination: PollSettings['pagination'],
  auth: PollSettings['auth'] = { type: 'none' },
): PollSettings => ({
  url: 'https://tinh.example.vn/api/records?lang=vi',
  intervalSeconds: 60,
  auth,
  pagination,
});
const page = (items: number, extra: { nextCursor?: string | null; maxRecordTime?: string | null } = {}) => ({
  items: Array.from({ length: items }, (_, i) => ({ i })),
  nextCursor: extra.nextCursor ?? null,
  maxRecordTime: extra.maxRecordTime ?? null,
  total: null,
});

describe('poll walk steps', () => {
  const paged = settings({ type: 'page', param: 'page', size: 2 });
  const unsized = settings({ type: 'page', param: 'page' });

  it('moves past a full page and stays on one still filling', () => {
    expect(step({ type: 'page', page: 1 }, page(2), paged, 0)).toEqual({
      checkpoint: { type: 'page', page: 2 },
      next: { type: 'page', page: 2 },
    });
    expect(step({ type: 'page', page: 3 }, page(1), paged, 2)).toEqual({
      checkpoint: { type: 'page', page: 3 },
      next: null,
    });
    expect(step({ type: 'page', page: 3 }, page(0), paged, 2)).toEqual({ checkpoint: null, next: null });
  });

  it('without a page size, treats a page as full once an earlier page of the run was no larger', () => {
    expect(step({ type: 'page', page: 1 }, page(5), unsized, 0)).toEqual({
      checkpoint: { type: 'page', page: 1 },
      next: { type: 'page', page: 2 },
    });
    expect(step({ type: 'page', page: 2 }, page(5), unsized, 5)).toEqual({
      checkpoint: { type: 'page', page: 3 },
      next: { type: 'page', page: 3 },
    });
    expect(step({ type: 'page', page: 3 }, page(1), unsized, 5)).toEqual({
      checkpoint: { type: 'page', page: 3 },
      next: { type: 'page', page: 4 },
    });
  });

  it('follows cursors and keeps the last one when the walk ends', () => {
    const cursor = settings({ type: 'cursor', param: 'cursor', nextCursorPath: 'next' });
    expect(step({ type: 'cursor', cursor: 'a' }, page(2, { nextCursor: 'b' }), cursor, 0).checkpoint).toEqual(
      { type: 'cursor', cursor: 'b' },
    );
    expect(step({ type: 'cursor', cursor: 'b' }, page(1), cursor, 0)).toEqual({
      checkpoint: { type: 'cursor', cursor: 'b' },
      next: null,
    });
  });

  it('advances updatedSince to the latest time and stops when a page brings nothing later', () => {
    const since = settings({ type: 'updatedSince', param: 'since', recordTimePath: 'updatedAt' });
    const t1 = '2025-07-01T08:00:00+07:00';
    const t2 = '2025-07-01T02:00:00Z';
    expect(step({ type: 'updatedSince', since: t1 }, page(2, { maxRecordTime: t2 }), since, 0).next).toEqual({
      type: 'updatedSince',
      since: t2,
    });
    expect(
      step({ type: 'updatedSince', since: t2 }, page(2, { maxRecordTime: t2 }), since, 0).next,
    ).toBeNull();
  });
});

describe('poll backoff and URLs', () => {
  it('doubles the interval per failure past the third, capped at one hour', () => {
    expect([3, 4, 5, 6, 12].map((f) => backoffSeconds(300, f))).toEqual([300, 600, 1200, 2400, 3600]);
  });

  it('keeps an API key sent in the query out of the URL it stores', () => {
    const s = settings(
      { type: 'page', param: 'page', sizeParam: 'size', size: 50 },
      { type: 'apiKey', in: 'query', name: 'key' },
    );
    const { url, safeUrl } = buildPageUrl(s, { value: 's3cret' }, { page: 4 });
    expect(url).toBe('https://tinh.example.vn/api/records?lang=vi&page=4&size=50&key=s3cret');
    expect(safeUrl).toBe('https://tinh.example.vn/api/records?lang=vi&page=4&size=50');
  });
});
