import { Inject, Injectable } from '@nestjs/common';
import { InvalidStateError } from '@txng/common';
import {
  type BackfillProgress,
  type NewReceipt,
  type PollSettings,
  type SourceEntity,
} from '@txng/persistence';
import { setTimeout as sleep } from 'node:timers/promises';
import { ReceiptsService } from '../receipts/receipts.service';
import { SOURCE_STORE, type SourceStore } from '../sources/source-store.port';
import { SourcesService } from '../sources/sources.service';
import {
  initialCheckpoint,
  type PollCheckpoint,
  requestFor,
  startingCheckpoint,
  step,
} from './poll-checkpoint';
import { PollFetchError } from './poll-fetch.error';
import { type FetchedPage, pageStart, type PollSecrets } from './poll-fetcher';
import { readPage } from './poll-page';
import { POLLED_STAGES, PollRunner, positionInfo } from './poll-runner';

/** Where a backfill starts: the beginning of the walk unless one of these (its pagination's) is set. */
export interface BackfillStart {
  /** updatedSince sources: records updated at or after this time. */
  since?: string;
  /** page sources: this page number. */
  page?: number;
  /** cursor sources: this cursor. */
  cursor?: string;
}

/** Where a backfill puts what it reads: the operation's side (libs/jobs), so the walk knows no operation. */
export interface BackfillSink {
  /** Stores the page's receipt and the position past it, both or neither; `stop` when asked to. */
  storePage(
    receipt: NewReceipt,
    position: BackfillProgress,
  ): Promise<{ receiptId: string | null; stop: boolean }>;
  /** A page without items the walk goes past; answers whether to stop. */
  moveOn(position: BackfillProgress): Promise<boolean>;
  /** The total number of items, once the province says it (`totalPath`). */
  total(total: number): Promise<void>;
}

export interface BackfillOptions {
  /** Pause between two pages (OPERATION_PAUSE_MS), the throttle. */
  pauseMs: number;
  /** Tries of one page on a temporary failure, the first included. */
  attempts?: number;
  /** First wait between two tries; doubled each time (a Retry-After of the province wins, capped). */
  retryDelayMs?: number;
}

/** Fetch attempts of one page on temporary failures (timeouts, 5xx, 429, connection errors). */
export const BACKFILL_FETCH_ATTEMPTS = 4;
export const BACKFILL_RETRY_DELAY_MS = 1000;
/** A province's Retry-After is obeyed up to this long within a backfill. */
const MAX_RETRY_WAIT_MS = 60_000;

/** Thrown when the sink says to stop: a cancel between two pages. */
export class BackfillStopped extends Error {
  constructor() {
    super('The backfill was asked to stop.');
  }
}

/**
 * A field of a backfill's start that does not fit the source's pagination, as `field: why`; null
 * when the start fits.
 */
export function backfillStartProblem(settings: PollSettings, start: BackfillStart): string | null {
  const type = settings.pagination.type;
  if (start.since !== undefined && type !== 'updatedSince')
    return `since: only a source paginated by updatedSince starts at a time; this one pages by ${type}`;
  if (start.page !== undefined && type !== 'page')
    return `page: only a source paginated by page starts at a page number; this one pages by ${type}`;
  if (start.page !== undefined && start.page < pageStart(settings))
    return `page: this source's pages start at ${pageStart(settings)}`;
  if (start.cursor !== undefined && type !== 'cursor')
    return `cursor: only a source paginated by cursor starts at a cursor; this one pages by ${type}`;
  return null;
}

/** The position of a backfill's first page: the walk's beginning, or the start asked for. */
export function backfillFirstPosition(settings: PollSettings, start: BackfillStart): PollCheckpoint {
  const type = settings.pagination.type;
  if (type === 'updatedSince' && start.since !== undefined) return { type, since: start.since };
  if (type === 'page' && start.page !== undefined) return { type, page: start.page };
  if (type === 'cursor' && start.cursor !== undefined) return { type, cursor: start.cursor };
  return initialCheckpoint(settings);
}

/**
 * A poll source's whole history, walked once from a start to the end of the province's API
 * (docs/poll-connector.md, "Backfill"): the same fetcher, auth, outbound guard, parsing and walk as
 * the scheduled poll, but with its own position instead of the source's checkpoint, no page cap, a
 * pause between pages, and a few retries with backoff for temporary failures. Each page with items
 * is stored as a receipt marked with the backfill (`pollPage.backfill`) and queued for ingest like
 * a scheduled page, so dedup drops records the hub already holds. The source row is never changed:
 * the scheduled polls, their checkpoint and the source's health go on as before.
 */
@Injectable()
export class PollBackfill {
  constructor(
    @Inject(SOURCE_STORE) private readonly store: SourceStore,
    private readonly sources: SourcesService,
    private readonly receipts: ReceiptsService,
    private readonly runner: PollRunner,
  ) {}

  /**
   * Walks from `from` (a resumed position) or `start` until the end, or until the sink says stop
   * (BackfillStopped). Answers where it ended. A permanent failure is the PollFetchError itself.
   */
  async walk(
    backfillId: string,
    sourceKey: string,
    start: BackfillStart,
    from: BackfillProgress | null,
    sink: BackfillSink,
    options: BackfillOptions,
  ): Promise<BackfillProgress> {
    let source = await this.polledSource(sourceKey, from);
    const settings = source.poll!;
    const done: BackfillProgress = from ?? { pages: 0, items: 0, next: null, largest: 0 };
    let position: PollCheckpoint | null = from
      ? from.next && startingCheckpoint(settings, from.next)
      : backfillFirstPosition(settings, start);
    let totalKnown = false;
    let first = true;
    while (position) {
      if (!first) {
        if (options.pauseMs > 0) await sleep(options.pauseMs);
        // Paused, retired or changed meanwhile: the walk stops with what it stored.
        source = await this.polledSource(sourceKey, done);
      }
      first = false;
      const page = await this.fetchWithRetry(source, position, options);
      const content = readPage(source.format, source.poll!, page.body, page.url);
      if (!totalKnown && content.total !== null) {
        totalKnown = true;
        await sink.total(content.total);
      }
      const next = step(position, content, source.poll!, done.largest).next;
      done.largest = Math.max(done.largest, content.items.length);
      done.next = next ? { ...next } : null;
      if (content.items.length > 0) {
        done.pages += 1;
        done.items += content.items.length;
        const stored = await sink.storePage(
          {
            sourceKey: source.key,
            origin: 'poll',
            pollPage: {
              url: page.url,
              ...positionInfo(position),
              items: content.items.length,
              backfill: backfillId,
            },
            contentType: page.contentType,
            body: page.body,
            recordCount: content.items.length,
            mappingVersion: source.mappingVersion,
          },
          { ...done },
        );
        if (stored.receiptId) await this.receipts.enqueue(stored.receiptId);
        if (stored.stop) throw new BackfillStopped();
      } else if (await sink.moveOn({ ...done })) {
        throw new BackfillStopped();
      }
      position = next;
    }
    return done;
  }

  private async polledSource(key: string, done: BackfillProgress | null): Promise<SourceEntity> {
    const source = await this.store.find(key);
    const after = done && done.pages > 0 ? ` after ${done.pages} stored page(s)` : '';
    if (!source || source.kind !== 'poll' || !source.poll)
      throw new InvalidStateError(
        `Source "${key}" is no longer a poll source; the backfill stopped${after}.`,
      );
    if (!POLLED_STAGES.has(source.stage))
      throw new InvalidStateError(
        `Source "${key}" is ${source.stage}; the backfill stopped${after}. Start it again once the source is polled.`,
      );
    return source;
  }

  /** One page, tried again with backoff on temporary failures; permanent ones are thrown at once. */
  private async fetchWithRetry(
    source: SourceEntity,
    position: PollCheckpoint,
    options: BackfillOptions,
  ): Promise<FetchedPage> {
    const attempts = options.attempts ?? BACKFILL_FETCH_ATTEMPTS;
    let delay = options.retryDelayMs ?? BACKFILL_RETRY_DELAY_MS;
    const secrets: PollSecrets = this.sources.secretsOf(source).pollAuth ?? {};
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.runner.fetcher.fetchPage(source.key, source.poll!, secrets, requestFor(position));
      } catch (error) {
        if (!(error instanceof PollFetchError) || !error.temporary || attempt >= attempts) throw error;
        const asked = error.retryAfterSeconds !== null ? error.retryAfterSeconds * 1000 : 0;
        await sleep(Math.min(MAX_RETRY_WAIT_MS, Math.max(delay, asked)));
        delay *= 2;
      }
    }
  }
}
