/* eslint-disable @typescript-eslint/require-await -- in-memory stand-ins of asynchronous ports answer at once */
import { ReplayRunner } from './replay-runner';
import {
  type ReplayFilter,
  type ReplayKey,
  type ReplayLink,
  type ReplayPlanTx,
  type ReplayProgress,
  type ReplayStore,
  type StartedReplayRun,
} from './replay-store.port';

// How a run walks its work and reports it, on an in-memory ReplayStore (the SQL adapter,
// PgReplayRepository, is covered by pipeline-replay.integration-spec.ts).

interface Link extends ReplayLink {
  status: string;
  replayRun: string | null;
}

class MemoryReplayStore implements ReplayStore {
  state = 'queued';
  error: string | null = null;
  progressSoFar: ReplayProgress = { receiptsQueued: 0, versionsRequeued: 0, outdatedKept: 0 };
  failed: Array<ReplayKey & { outdated: boolean; status: string }> = [];
  reasons: Array<{ requeued: string; outdated: string }> = [];

  constructor(
    private readonly run: StartedReplayRun,
    readonly linkRows: Link[] = [],
  ) {}

  sourceInScope = async (): Promise<boolean> => true;
  transaction<T>(fn: (tx: ReplayPlanTx) => Promise<T>): Promise<T> {
    return Promise.reject(new Error(`the runner does not plan (${String(fn)})`));
  }

  async start(runId: string): Promise<StartedReplayRun | null> {
    if (runId !== this.run.id || !['queued', 'running'].includes(this.state)) return null;
    this.state = 'running';
    return this.run;
  }
  async fail(_runId: string, error: string): Promise<void> {
    this.state = 'failed';
    this.error = error;
  }
  async finish(): Promise<void> {
    this.state = 'done';
  }
  async progress(): Promise<ReplayProgress | null> {
    return { ...this.progressSoFar };
  }
  async advance(_runId: string, d: ReplayProgress): Promise<ReplayProgress> {
    this.progressSoFar = {
      receiptsQueued: this.progressSoFar.receiptsQueued + d.receiptsQueued,
      versionsRequeued: this.progressSoFar.versionsRequeued + d.versionsRequeued,
      outdatedKept: this.progressSoFar.outdatedKept + d.outdatedKept,
    };
    return { ...this.progressSoFar };
  }
  async links(run: StartedReplayRun, after: string, limit: number): Promise<ReplayLink[]> {
    return this.linkRows
      .filter((l) => l.status === run.status && Number(l.link) > Number(after) && l.replayRun !== run.id)
      .slice(0, limit)
      .map(({ link, receiptId, expired }) => ({ link, receiptId, expired }));
  }
  async failedKeys(_filter: ReplayFilter, after: ReplayKey, limit: number): Promise<ReplayKey[]> {
    const keys = [
      ...new Set(this.failed.filter((f) => f.status === 'failed').map((f) => `${f.kind}\u0000${f.key}`)),
    ]
      .sort()
      .filter((k) => k > `${after.kind}\u0000${after.key}`)
      .slice(0, limit);
    return keys.map((k) => ({ kind: k.split('\u0000')[0], key: k.split('\u0000')[1] }));
  }
  async requeueFailed(
    _filter: ReplayFilter,
    keys: ReplayKey[],
    reasons: { requeued: string; outdated: string },
  ): Promise<{ versionsRequeued: number; outdatedKept: number }> {
    this.reasons.push(reasons);
    let versionsRequeued = 0;
    let outdatedKept = 0;
    for (const f of this.failed) {
      if (f.status !== 'failed' || !keys.some((k) => k.kind === f.kind && k.key === f.key)) continue;
      if (f.outdated) {
        outdatedKept += 1;
        f.status = 'failed (kept)';
      } else {
        versionsRequeued += 1;
        f.status = 'ready';
      }
    }
    return { versionsRequeued, outdatedKept };
  }
}

const run = (status: StartedReplayRun['status']): StartedReplayRun => ({
  id: 'run-1',
  actor: 'token:ops',
  status,
  sourceKey: 'src-92',
  kind: null,
});

describe('ReplayRunner', () => {
  it('queues the receipts of a quarantined run batch by batch in link order, once each, leaving purged ones out', async () => {
    const links: Link[] = [
      ['1', 'ra'],
      ['2', 'ra'],
      ['3', 'rb'],
      ['4', 'rc', true],
      ['5', 'rd'],
      ['6', 're'],
    ].map(([link, receiptId, expired]) => ({
      link: link as string,
      receiptId: receiptId as string,
      expired: expired === true,
      status: 'quarantined',
      replayRun: null,
    }));
    const store = new MemoryReplayStore(run('quarantined'), links);
    const queued: string[][] = [];
    const progress: number[] = [];
    const runner = new ReplayRunner(
      store,
      async (r, ids) => {
        expect(r).toEqual({ runId: 'run-1', status: 'quarantined', kind: null });
        queued.push(ids);
      },
      2,
    );
    const done = await runner.run('run-1', async (p) => {
      progress.push(p.receiptsQueued);
    });
    expect(queued).toEqual([['ra'], ['rb'], ['rd', 're']]);
    expect(progress).toEqual([1, 2, 4]);
    expect(done).toEqual({ receiptsQueued: 4, versionsRequeued: 0, outdatedKept: 0 });
    expect(store.state).toBe('done');

    // Met again (its job ran twice), the run answers what it recorded and queues nothing.
    const again = await runner.run('run-1');
    expect(again).toEqual(done);
    expect(queued).toHaveLength(3);
  });

  it('puts failed versions back to ready per batch of keys, keeping those a later synced version outdates', async () => {
    const store = new MemoryReplayStore(run('failed'));
    store.failed = [
      { kind: 'product', key: 'gtin:1', outdated: false, status: 'failed' },
      { kind: 'product', key: 'gtin:2', outdated: true, status: 'failed' },
      { kind: 'product', key: 'gtin:3', outdated: false, status: 'failed' },
    ];
    const runner = new ReplayRunner(
      store,
      async () => {
        throw new Error('a failed run queues no receipts');
      },
      2,
    );
    const done = await runner.run('run-1');
    expect(done).toEqual({ receiptsQueued: 0, versionsRequeued: 2, outdatedKept: 1 });
    expect(store.failed.map((f) => f.status)).toEqual(['ready', 'failed (kept)', 'ready']);
    expect(store.reasons[0]).toEqual({
      requeued: 'replayed by token:ops in run run-1: back to ready, to be sent again',
      outdated:
        'not replayed by token:ops in run run-1: a later version of this key is already at the portal',
    });
  });

  it('ends the run failed, saying why, when its work throws', async () => {
    const store = new MemoryReplayStore(run('rejected'), [
      { link: '1', receiptId: 'ra', expired: false, status: 'rejected', replayRun: null },
    ]);
    const runner = new ReplayRunner(store, async () => {
      throw new Error('Redis is unreachable');
    });
    await expect(runner.run('run-1')).rejects.toThrow('Redis is unreachable');
    expect(store).toMatchObject({ state: 'failed', error: 'Redis is unreachable' });
  });
});
