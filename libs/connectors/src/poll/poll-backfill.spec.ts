import { type PollSettings } from '@txng/persistence';
import { backfillFirstPosition, backfillStartProblem } from './poll-backfill';
import { readPage } from './poll-page';

const settings = (
  pagination: PollSettings['pagination'],
  extra: Partial<PollSettings> = {},
): PollSettings => ({
  url: 'https://tinh.example.vn/api/records',
  intervalSeconds: 60,
  auth: { type: 'none' },
  pagination,
  ...extra,
});
const paged = settings({ type: 'page', param: 'page', startAt: 0, size: 50 });
const cursor = settings({ type: 'cursor', param: 'cursor', nextCursorPath: 'next' });
const since = settings({ type: 'updatedSince', param: 'since', recordTimePath: 'updatedAt' });

describe('where a backfill starts', () => {
  it('starts at the beginning of the walk unless told otherwise', () => {
    expect(backfillFirstPosition(paged, {})).toEqual({ type: 'page', page: 0 });
    expect(backfillFirstPosition(cursor, {})).toEqual({ type: 'cursor', cursor: null });
    expect(backfillFirstPosition(since, {})).toEqual({ type: 'updatedSince', since: null });
    expect(backfillFirstPosition(paged, { page: 7 })).toEqual({ type: 'page', page: 7 });
    expect(backfillFirstPosition(cursor, { cursor: 'abc' })).toEqual({ type: 'cursor', cursor: 'abc' });
    expect(backfillFirstPosition(since, { since: '2025-07-01T00:00:00.000Z' })).toEqual({
      type: 'updatedSince',
      since: '2025-07-01T00:00:00.000Z',
    });
  });

  it("names the field that does not fit the source's pagination", () => {
    expect(backfillStartProblem(paged, { page: 3 })).toBeNull();
    expect(backfillStartProblem(since, { since: '2025-07-01T00:00:00Z' })).toBeNull();
    expect(backfillStartProblem(cursor, { cursor: 'abc' })).toBeNull();
    expect(backfillStartProblem(paged, { since: '2025-07-01T00:00:00Z' })).toMatch(/^since: .*pages by page/);
    expect(backfillStartProblem(since, { page: 2 })).toMatch(/^page: .*updatedSince/);
    expect(backfillStartProblem(paged, { cursor: 'abc' })).toMatch(/^cursor: /);
    expect(backfillStartProblem(settings({ type: 'page', param: 'p' }), { page: 0 })).toMatch(
      /^page: this source's pages start at 1/,
    );
  });
});

describe('the total a province reports (totalPath)', () => {
  const page = (body: unknown, totalPath?: string) =>
    readPage('json', { ...paged, itemsPath: 'items', totalPath }, Buffer.from(JSON.stringify(body)), 'u');

  it('is read as a whole number at its dotted path, or left unknown', () => {
    expect(page({ items: [1], meta: { total: 1234 } }, 'meta.total').total).toBe(1234);
    expect(page({ items: [1], meta: { total: '56' } }, 'meta.total').total).toBe(56);
    expect(page({ items: [1], meta: { total: -1 } }, 'meta.total').total).toBeNull();
    expect(page({ items: [1], meta: { total: 'many' } }, 'meta.total').total).toBeNull();
    expect(page({ items: [1], meta: { total: 2.5 } }, 'meta.total').total).toBeNull();
    expect(page({ items: [1], meta: { total: 9 } }).total).toBeNull();
  });
});
