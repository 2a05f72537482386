import { Injectable, Logger } from '@nestjs/common';
import { AppError, badRequest, ErrorCode, notFound } from '@txng/common';
import { mapPayloadText, type ParsedPayload, parsePayload, PayloadParseError } from '@txng/mapping';
import { type SourceEntity } from '@txng/persistence';
import { IngestMetrics } from '../ingest-metrics';
import { AddressConcurrencyLimiter } from '../rate-limit/address-concurrency-limiter';
import { SourceRateLimiter } from '../rate-limit/source-rate-limiter';
import { ReceiptBatcher } from '../receipts/receipt-batcher';
import { ReceiptsService } from '../receipts/receipts.service';
import { SourceCache } from '../sources/source-cache';
import { SourcesService } from '../sources/sources.service';
import { checkContentType } from './content-type';
import { payloadRefusal } from './payload-refusal';
import { type SignatureHeaders, verifyWebhookSignature } from './webhook-signature';

/** Longest wait for a free mapping sandbox process when counting a webhook's records. */
export const INTAKE_MAPPING_WAIT_MS = 1000;

/**
 * Largest envelope (characters of its JSON text) stored with a receipt for the worker; a larger one
 * is not stored and the worker maps the body again. Bodies are at most 10 MiB by default, and what
 * a mapping makes of one is rarely more than a few times its size.
 */
export const MAX_STORED_ENVELOPE_CHARS = 32 * 1048576;

export interface IntakeRequest {
  sourceKey: string;
  contentType: string | undefined;
  headers: SignatureHeaders;
  /** The caller's network address: unauthenticated work is bounded per address. */
  clientAddress: string;
  /** Reads the raw body, refusing (413) past `limit` bytes. */
  readBody(limit: number): Promise<Buffer>;
}

export interface IntakeResult {
  receiptId: string;
  records: number;
  replay: boolean;
}

/**
 * `POST /v1/webhooks/{sourceKey}`: every check of the contract, in an order that keeps the work an
 * unauthenticated caller can cause small, then the durable receipt, then the queue.
 */
@Injectable()
export class WebhookIntakeService {
  private readonly logger = new Logger(WebhookIntakeService.name);

  constructor(
    private readonly sources: SourcesService,
    private readonly cache: SourceCache,
    private readonly receipts: ReceiptsService,
    private readonly batcher: ReceiptBatcher,
    private readonly rateLimiter: SourceRateLimiter,
    private readonly addresses: AddressConcurrencyLimiter,
    private readonly metrics: IngestMetrics,
  ) {}

  /** The contract's checks, the receipt and the queue; every outcome is counted (IngestMetrics). */
  async receive(request: IntakeRequest): Promise<IntakeResult> {
    const started = performance.now();
    const known: { source: string | null } = { source: null };
    const seconds = () => (performance.now() - started) / 1000;
    try {
      const result = await this.intake(request, known);
      this.metrics.webhook(known.source, result.replay ? 'replayed' : 'accepted', seconds(), result.records);
      return result;
    } catch (error) {
      this.metrics.webhook(known.source, IngestMetrics.outcomeOf(error), seconds());
      throw error;
    }
  }

  private async intake(request: IntakeRequest, known: { source: string | null }): Promise<IntakeResult> {
    // From memory: every change of a source reaches every process at once (SourceCache).
    const source = await this.cache.findAny(request.sourceKey);
    if (!source || source.deletedAt) throw notFound(`Source "${request.sourceKey}"`);
    known.source = source.key;
    if (source.kind !== 'webhook') {
      throw new AppError(
        ErrorCode.NotFound,
        `Source "${source.key}" is polled by the hub; it takes no webhooks.`,
        { status: 404 },
      );
    }
    if (source.stage !== 'testing' && source.stage !== 'active') {
      const why =
        source.stage === 'paused' ? 'is paused by the Center' : 'is not yet activated (still a draft)';
      throw new AppError(
        'source_not_receiving',
        `Source "${source.key}" ${why}; nothing was stored. Contact the National Barcode Center.`,
        { status: 409 },
      );
    }
    const contentType = checkContentType(request.contentType, source.format);
    if (!contentType.ok)
      throw new AppError(ErrorCode.UnsupportedMediaType, contentType.reason, { status: 415 });

    const body = await this.readAndVerify(request, source);

    const webhookId = request.headers['webhook-id']!;
    if (webhookId.length > 255) throw badRequest('webhook-id is longer than 255 characters.');
    // A webhook-id already received is found by the receipt's INSERT itself (ON CONFLICT), not by
    // a statement of its own at every webhook. It is still answered before any refusal that
    // follows (the rate limit, the body's parse): a refusal asks first whether the webhook-id is
    // known, so a province retrying what the hub holds is never told to slow down or to fix it.
    const replayed = async (): Promise<IntakeResult | null> => {
      const seen = await this.receipts.findByWebhookId(source.key, webhookId);
      return seen ? { receiptId: seen.id, records: seen.recordCount ?? 0, replay: true } : null;
    };
    const refusedUnlessReplayed = async (error: unknown): Promise<IntakeResult> => {
      const seen = await replayed().catch(() => null);
      if (seen) return seen;
      throw error;
    };

    const budget = {
      requestsPerMinute: source.rateLimitPerMinute,
      bytesPerMinute: source.rateLimitBytesPerMinute,
    };
    const takenAt = Date.now();
    let rate: Awaited<ReturnType<SourceRateLimiter['take']>>;
    try {
      rate = await this.rateLimiter.take(source.key, budget, body.length, takenAt);
    } catch (error) {
      return refusedUnlessReplayed(error);
    }
    if (!rate.allowed) {
      const allowance =
        rate.exceeded === 'bytes'
          ? `${source.rateLimitBytesPerMinute} bytes of webhook bodies a minute`
          : `${source.rateLimitPerMinute} webhooks a minute`;
      return refusedUnlessReplayed(
        new AppError(
          ErrorCode.RateLimited,
          `Source "${source.key}" may send ${allowance}; retry after ${rate.retryAfterSeconds} s.`,
          {
            status: 429,
            headers: { 'Retry-After': String(rate.retryAfterSeconds) },
          },
        ),
      );
    }
    // A replay counts against no budget: what it took is given back.
    const giveBack = () => this.rateLimiter.giveBack(source.key, body.length, takenAt);

    let mapped: { records: number; envelope: string | null };
    try {
      mapped = await this.mapAtIntake(source, body);
    } catch (error) {
      const seen = await replayed().catch(() => null);
      if (!seen) throw error;
      await giveBack();
      return seen;
    }
    const stored = await this.batcher.store({
      sourceKey: source.key,
      origin: 'webhook',
      webhookId,
      contentType: contentType.mediaType,
      body,
      recordCount: mapped.records,
      mappingVersion: source.mappingVersion,
      mappedEnvelope: mapped.envelope,
    });
    if (stored.replay) await giveBack();
    return { receiptId: stored.receiptId, records: stored.recordCount ?? 0, replay: stored.replay };
  }

  /**
   * The body and its signature: the work a stranger can ask for, so it is done under one of the
   * caller address's few slots (AddressConcurrencyLimiter), released once the signature is judged.
   */
  private async readAndVerify(request: IntakeRequest, source: SourceEntity): Promise<Buffer> {
    const release = await this.addresses.acquire(request.clientAddress);
    if (!release) {
      throw new AppError(
        ErrorCode.RateLimited,
        'Too many deliveries from your address are being received at once; send fewer in parallel and retry after 1 s.',
        { status: 429, headers: { 'Retry-After': '1' } },
      );
    }
    try {
      const body = await request.readBody(source.maxBodyBytes);
      const signature = verifyWebhookSignature(body, request.headers, this.sources.webhookSecrets(source));
      if (!signature.ok) throw new AppError('signature_invalid', signature.reason, { status: 401 });
      return body;
    } finally {
      release();
    }
  }

  /**
   * Parses (a malformed body, or one over the parsers' limits, is refused with 400 and nothing is
   * stored) and maps the body to count the records it holds. The envelope the mapping made is
   * stored with the receipt (JSON text, never parsed here), so the worker judges it instead of
   * mapping the body again (docs/ingest.md, "Mapped once"). A mapping that fails does not refuse
   * the body: it is the hub's side that must be fixed, so the receipt is kept and its records are
   * quarantined by the pipeline. The mapping runs in the sandbox, never on this event loop; one
   * that runs away (MAPPING_TIMEOUT, MAPPING_OUT_OF_MEMORY) or a sandbox too busy to take it
   * within INTAKE_MAPPING_WAIT_MS answers `records: 0` with the 202 (the count is not known yet;
   * the pipeline decides, mapping the stored body itself): the province waits at most that wait
   * plus the mapping's time limit, and its body is stored all the same.
   */
  private async mapAtIntake(
    source: SourceEntity,
    body: Buffer,
  ): Promise<{ records: number; envelope: string | null }> {
    let parsed: ParsedPayload;
    try {
      parsed = parsePayload(source.format, body);
    } catch (error) {
      if (error instanceof PayloadParseError) throw payloadRefusal(error, source.format);
      throw error;
    }
    try {
      const mapping = await this.sources.mapping(source.key, source.mappingVersion);
      const mapped = await mapPayloadText(
        source.format,
        mapping ? { language: mapping.language, expression: mapping.expression } : undefined,
        parsed,
        { maxWaitMs: INTAKE_MAPPING_WAIT_MS },
      );
      const envelope = mapped.json.length <= MAX_STORED_ENVELOPE_CHARS ? mapped.json : null;
      return { records: mapped.records, envelope };
    } catch (error) {
      this.logger.warn(
        `source ${source.key}: mapping failed at intake (${(error as Error).message}); the receipt is kept`,
      );
      return { records: 0, envelope: null };
    }
  }
}
