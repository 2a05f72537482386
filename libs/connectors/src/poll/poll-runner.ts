import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { OutboundGuard } from '@txng/common';
import { AuditService, type PollSettings, type SourceEntity } from '@txng/persistence';
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
import { buildPageUrl, type FetchedPage, PollFetcher, type PollSecrets } from './poll-fetcher';
import { readPage } from './poll-page';

/** One run never reads more pages than this; the next run carries on from the checkpoint. */
export const MAX_PAGES_PER_RUN = 100;
/** Failures in a row before a source is marked unhealthy and polled with backoff. */
export const UNHEALTHY_AFTER_FAILURES = 3;
export const MAX_BACKOFF_SECONDS = 3600;
export const POLLED_STAGES: ReadonlySet<string> = new Set(['testing', 'active']);

export interface PollRunResult {
  sourceKey: string;
  outcome: 'completed' | 'failed' | 'skipped';
  /** Why a run was skipped or failed, in words an operator can act on. */
  reason?: string;
  /** Whether a failure is worth retrying (the next scheduled run does). */
  temporary?: boolean;
  pagesFetched: number;
  receiptIds: string[];
  items: number;
  checkpoint: PollCheckpoint | null;
}

/**
 * What a connection test tells the operator. Never the page itself: an admin pointing a source at an
 * address would otherwise read whatever answers there through the hub.
 */
export interface TestConnectionResult {
  ok: boolean;
  status: number | null;
  items: number;
  /** Milliseconds from the request to the parsed page (or the failure). */
  durationMs: number;
  url?: string;
  /** The media type only (`application/json`), without parameters the province chose. */
  contentType?: string;
  bytes?: number;
  /** One line: status, size, type and where the items were found. */
  summary?: string;
  error?: string;
}

class ConcurrentRunError extends Error {}

/**
 * Polls one source: walks its API page by page from the stored checkpoint, storing each page with
 * items as a receipt and moving the checkpoint in the same transaction, then queueing the receipt.
 * Keeps the source's health: three failures in a row mark it unhealthy and back off its polling.
 */
@Injectable()
export class PollRunner {
  private readonly logger = new Logger(PollRunner.name);
  /** Shared with the backfill (PollBackfill), so both use one OAuth2 token cache per process. */
  readonly fetcher: PollFetcher;

  constructor(
    @Inject(SOURCE_STORE) private readonly store: SourceStore,
    private readonly sources: SourcesService,
    private readonly receipts: ReceiptsService,
    private readonly audit: AuditService,
    guard: OutboundGuard,
  ) {
    this.fetcher = new PollFetcher(guard);
  }

  async run(sourceKey: string, now: Date = new Date()): Promise<PollRunResult> {
    const source = await this.store.find(sourceKey);
    const result: PollRunResult = {
      sourceKey,
      outcome: 'skipped',
      pagesFetched: 0,
      receiptIds: [],
      items: 0,
      checkpoint: null,
    };
    if (!source || source.kind !== 'poll' || !source.poll)
      return { ...result, reason: 'no such poll source' };
    if (!POLLED_STAGES.has(source.stage)) return { ...result, reason: `source is ${source.stage}` };
    if (source.nextPollAfter && source.nextPollAfter > now) {
      return { ...result, reason: `source backs off until ${source.nextPollAfter.toISOString()}` };
    }

    const settings = source.poll;
    const secrets = this.secrets(source);
    let checkpoint = startingCheckpoint(settings, source.checkpoint);
    // The checkpoint as stored: a transaction only moves it from exactly this value (see advance).
    let stored: Record<string, unknown> | null = source.checkpoint;
    let position: PollCheckpoint | null = { ...checkpoint, lastPageSha256: undefined };
    let largest = 0;
    try {
      while (position && result.pagesFetched < MAX_PAGES_PER_RUN) {
        const page = await this.fetcher.fetchPage(source.key, settings, secrets, requestFor(position));
        result.pagesFetched += 1;
        const content = readPage(source.format, settings, page.body, page.url);
        const next = step(position, content, settings, largest);
        largest = Math.max(largest, content.items.length);
        const sha = createHash('sha256').update(page.body).digest('hex');
        const unchanged = sha === checkpoint.lastPageSha256;
        if (content.items.length > 0 && !unchanged) {
          const moved: PollCheckpoint = { ...(next.checkpoint ?? checkpoint), lastPageSha256: sha };
          const receiptId = await this.storePage(source, page, position, content.items.length, stored, moved);
          result.receiptIds.push(receiptId);
          result.items += content.items.length;
          checkpoint = moved;
          stored = { ...moved };
          await this.receipts.enqueue(receiptId);
        } else if (next.checkpoint && !sameCheckpoint(next.checkpoint, checkpoint)) {
          // An empty page in a cursor walk, or a page read again unchanged: move on, store nothing.
          const moved: PollCheckpoint = { ...next.checkpoint, lastPageSha256: checkpoint.lastPageSha256 };
          await this.advance(source.key, stored, moved);
          checkpoint = moved;
          stored = { ...moved };
        }
        position = next.next;
      }
    } catch (error) {
      if (error instanceof ConcurrentRunError) {
        return {
          ...result,
          outcome: 'skipped',
          reason: 'another run of this source moved its checkpoint',
          checkpoint,
        };
      }
      const reason = describeFailure(error);
      const temporary = error instanceof PollFetchError ? error.temporary : true;
      const retryAfterSeconds = error instanceof PollFetchError ? error.retryAfterSeconds : null;
      await this.recordFailure(source, reason, now, retryAfterSeconds);
      this.logger.warn(
        `poll of ${source.key} failed after ${result.receiptIds.length} stored page(s): ${reason}`,
      );
      return { ...result, outcome: 'failed', reason, temporary, checkpoint };
    }
    await this.store.recordSuccess(source.key, now);
    return { ...result, outcome: 'completed', checkpoint };
  }

  /**
   * One real fetch of the source's first page; nothing is stored and the source is not changed. The
   * attempt is audited before the request, so who made the hub call which address is on record even
   * if the process dies mid-request.
   */
  async testConnection(source: SourceEntity, actor: string): Promise<TestConnectionResult> {
    if (source.kind !== 'poll' || !source.poll)
      return {
        ok: false,
        status: null,
        items: 0,
        durationMs: 0,
        error: 'Only poll sources can test a connection.',
      };
    const settings: PollSettings = source.poll;
    const request = requestFor(initialCheckpoint(settings));
    await this.audit.record({
      actor,
      action: 'source.test-connection',
      target: source.key,
      details: { url: buildPageUrl(settings, {}, request).safeUrl },
    });
    const started = Date.now();
    let page: FetchedPage | null = null;
    try {
      page = await this.fetcher.fetchPage(source.key, settings, this.secrets(source), request);
      const content = readPage(source.format, settings, page.body, page.url);
      const contentType = mediaType(page.contentType);
      const where = settings.itemsPath ? `at "${settings.itemsPath}"` : 'in the page';
      return {
        ok: true,
        status: page.status,
        items: content.items.length,
        durationMs: Date.now() - started,
        url: page.url,
        contentType,
        bytes: page.body.length,
        summary: `HTTP ${page.status}, ${page.body.length} bytes of ${contentType}, ${content.items.length} items ${where}`,
      };
    } catch (error) {
      const status = error instanceof PollFetchError ? error.httpStatus : (page?.status ?? null);
      return {
        ok: false,
        status,
        items: 0,
        durationMs: Date.now() - started,
        url: page?.url,
        error: describeFailure(error),
      };
    }
  }

  private secrets(source: SourceEntity): PollSecrets {
    return this.sources.secretsOf(source).pollAuth ?? {};
  }

  /** The page's receipt and the checkpoint past it, in one transaction: both or neither. */
  private async storePage(
    source: SourceEntity,
    page: FetchedPage,
    position: PollCheckpoint,
    items: number,
    expected: Record<string, unknown> | null,
    moved: PollCheckpoint,
  ): Promise<string> {
    const receiptId = await this.store.storePage(source.key, expected, withoutUndefined(moved), {
      sourceKey: source.key,
      origin: 'poll',
      pollPage: { url: page.url, ...positionInfo(position), items },
      contentType: page.contentType,
      body: page.body,
      recordCount: items,
      mappingVersion: source.mappingVersion,
    });
    if (receiptId === null) throw new ConcurrentRunError();
    return receiptId;
  }

  /**
   * Moves the checkpoint only from the value this run started from: two runs of one source (two
   * workers, a manual run beside a scheduled one) cannot both store the same pages.
   */
  private async advance(
    key: string,
    expected: Record<string, unknown> | null,
    moved: PollCheckpoint,
  ): Promise<void> {
    if (!(await this.store.advance(key, expected, withoutUndefined(moved)))) throw new ConcurrentRunError();
  }

  private async recordFailure(
    source: SourceEntity,
    reason: string,
    now: Date,
    retryAfterSeconds: number | null,
  ): Promise<void> {
    const interval = source.poll?.intervalSeconds ?? 60;
    // Counted in SQL so that the count stays right if two processes fail the same source.
    const failures = (await this.store.countFailure(source.key, reason)) ?? source.consecutiveFailures + 1;
    // The province's own Retry-After (429/503) wins over our schedule, healthy or not.
    const askedUntil =
      retryAfterSeconds !== null && retryAfterSeconds > 0
        ? new Date(now.getTime() + Math.min(retryAfterSeconds, MAX_BACKOFF_SECONDS) * 1000)
        : null;
    if (failures < UNHEALTHY_AFTER_FAILURES && askedUntil)
      await this.store.backOff(source.key, askedUntil, false);
    if (failures >= UNHEALTHY_AFTER_FAILURES) {
      const backoffUntil = new Date(now.getTime() + backoffSeconds(interval, failures) * 1000);
      await this.store.backOff(
        source.key,
        askedUntil && askedUntil > backoffUntil ? askedUntil : backoffUntil,
        true,
      );
    }
  }
}

/** How long an unhealthy source waits: the interval doubled per failure past the third, at most 1 h. */
export function backoffSeconds(intervalSeconds: number, failures: number): number {
  const exponent = Math.max(0, failures - UNHEALTHY_AFTER_FAILURES);
  return Math.min(MAX_BACKOFF_SECONDS, intervalSeconds * 2 ** Math.min(exponent, 20));
}

/** Where a page was in the walk, as `pollPage` stores it: `{page}`, `{cursor}` or `{since}`. */
export function positionInfo(position: PollCheckpoint): Record<string, unknown> {
  if (position.type === 'page') return { page: position.page };
  if (position.type === 'cursor') return { cursor: position.cursor };
  return { since: position.since };
}

function sameCheckpoint(a: PollCheckpoint, b: PollCheckpoint): boolean {
  return JSON.stringify(positionInfo(a)) === JSON.stringify(positionInfo(b)) && a.type === b.type;
}

function withoutUndefined(checkpoint: PollCheckpoint): Record<string, unknown> {
  return JSON.parse(JSON.stringify(checkpoint)) as Record<string, unknown>;
}

/** `application/json` of `application/json; charset=utf-8`; anything odd is not repeated. */
function mediaType(contentType: string): string {
  const type = contentType.split(';')[0].trim().toLowerCase();
  return /^[a-z0-9.+-]{1,50}\/[a-z0-9.+-]{1,80}$/.test(type) ? type : 'an unnamed media type';
}

/** A failure in words for lastError and logs. Poll errors are written to carry no secret. */
function describeFailure(error: unknown): string {
  if (error instanceof PollFetchError) return error.message;
  // Anything else (database, Redis) is ours, not the province's; its message names no credential.
  return `The poll run failed inside the hub: ${error instanceof Error ? error.message : String(error)}`;
}
