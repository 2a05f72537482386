import { type OperationRow } from '@txng/persistence';
import { toOperationView } from './operation-view';

const at = (s: string): Date => new Date(`2026-12-04T10:00:${s}Z`);
const row = (over: Partial<OperationRow>): OperationRow => ({
  id: '00000000-0000-4000-8000-000000000001',
  kind: 'replay',
  actor: 'token:1',
  provinceCode: '92',
  sourceKey: 'ct',
  params: {},
  state: 'running',
  total: 100,
  done: 0,
  failed: 0,
  result: null,
  error: null,
  cancelRequestedAt: null,
  cancelRequestedBy: null,
  createdAt: at('00'),
  startedAt: at('00'),
  updatedAt: at('00'),
  finishedAt: null,
  ...over,
});

describe('an operation as the API shows it', () => {
  it('reads percent, rate and time left from the counts and the clock', () => {
    const view = toOperationView(row({ done: 20, failed: 5 }), at('10'));
    expect(view).toMatchObject({ percent: 25, ratePerSecond: 2.5, secondsLeft: 30, cancellable: true });
  });

  it('knows no percent or time left before the total, and no rate before the first item', () => {
    expect(toOperationView(row({ total: null, done: 7 }), at('10'))).toMatchObject({
      percent: null,
      secondsLeft: null,
      ratePerSecond: 0.7,
    });
    expect(toOperationView(row({ done: 0 }), at('10'))).toMatchObject({ percent: 0, ratePerSecond: null });
  });

  it('is whole once done, and neither cancellable nor counting down once ended', () => {
    const done = toOperationView(row({ state: 'done', done: 98, finishedAt: at('20') }), at('50'));
    expect(done).toMatchObject({ percent: 100, secondsLeft: null, cancellable: false, ratePerSecond: 4.9 });
    const cancelled = toOperationView(row({ state: 'cancelled', done: 40, finishedAt: at('20') }), at('50'));
    expect(cancelled).toMatchObject({ percent: 40, secondsLeft: null, cancellable: false });
    // Asked to stop: it still runs to the next item, but cannot be asked again.
    expect(toOperationView(row({ state: 'cancelling', done: 40 }), at('20'))).toMatchObject({
      cancellable: false,
    });
  });
});
