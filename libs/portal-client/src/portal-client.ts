import { type RecordKind } from '@txng/national-model';
import { chunkBatch, type BatchChunk } from './batch-chunker';
import { type BreakerState } from './circuit-breaker';
import { KeyedSemaphore } from './keyed-semaphore';
import {
  type BatchReceipt,
  type PortalRecord,
  type PortalRecordInfo,
  type PrefixAnswer,
  type ProvinceSummary,
  type PushBatchResult,
  type RecordResult,
} from './portal-api.types';
import {
  BatchTooLargeError,
  IdempotencyKeyReusedError,
  InvalidBatchError,
  PortalProtocolError,
} from './portal-client.errors';
import {
  type PortalClientOptions,
  type PortalEndpointConfig,
  type ResolvedOptions,
  resolveOptions,
} from './portal-client.options';
import { errorOf, PortalTransport, type PortalResponse } from './portal-transport';

const RESULT_STATUSES = new Set(['accepted', 'duplicate', 'stale', 'rejected']);

/**
 * The hub's side of the National Portal Sync API v1 (docs/contracts/national-portal-api.md).
 * One instance per portal endpoint per process: the token, the rate limit and the in-flight
 * limits are per instance, the circuit breaker per base URL.
 */
export class PortalClient {
  private readonly options: ResolvedOptions;
  private readonly transport: PortalTransport;
  private readonly provinces: KeyedSemaphore;

  constructor(endpoint: PortalEndpointConfig, options: PortalClientOptions = {}) {
    this.options = resolveOptions(options);
    this.transport = new PortalTransport(endpoint, this.options);
    this.provinces = new KeyedSemaphore(this.options.maxInFlightPerProvince);
  }

  get breakerState(): BreakerState {
    return this.transport.breaker.current;
  }

  /**
   * Pushes records for one province, split into batches within the contract's limits and sent at
   * most `maxInFlightPerProvince` at a time. Results come back one per record, in order.
   *
   * Throws PortalError subclasses: retryable ones (PortalUnavailableError, PortalTemporaryError,
   * PortalRateLimitedError) mean "call again later with the same records" — the chunks and their
   * Idempotency-Keys come out the same, so what the portal already processed is replayed, not
   * stored twice. InvalidBatchError, IdempotencyKeyReusedError, BatchTooLargeError are permanent.
   */
  async pushBatch(provinceCode: string, records: PortalRecord[]): Promise<PushBatchResult> {
    if (!/^\d{2}$/.test(provinceCode)) {
      throw new InvalidBatchError(`province code "${provinceCode}" is not two digits`, [
        { path: '/provinceCode', message: 'must be two digits' },
      ]);
    }
    if (records.length === 0) return { results: [], batches: [] };
    const chunks = chunkBatch(
      provinceCode,
      records,
      this.options.maxBatchRecords,
      this.options.maxBatchBytes,
    );
    const settled = await Promise.allSettled(
      chunks.map((chunk) => this.provinces.run(provinceCode, () => this.sendChunk(chunk))),
    );
    // Every chunk is awaited before failing, so no request is left running behind the caller's back.
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    const done = settled as Array<PromiseFulfilledResult<{ results: RecordResult[]; receipt: BatchReceipt }>>;
    return { results: done.flatMap((d) => d.value.results), batches: done.map((d) => d.value.receipt) };
  }

  /** The portal's view of one record, or null when it holds none under that key. */
  async getRecord(kind: RecordKind, key: string): Promise<PortalRecordInfo | null> {
    const res = await this.transport.send({
      route: 'records',
      method: 'GET',
      path: `/api/v1/records/${encodeURIComponent(kind)}/${encodeURIComponent(key)}`,
    });
    if (res.status === 404) return null;
    return expectJson<PortalRecordInfo>(
      res,
      'GET record',
      (b) => typeof b.key === 'string' && Number.isInteger(b.version) && typeof b.contentHash === 'string',
    );
  }

  /** Counts and the sorted-lines digest of what the portal holds for a province. */
  async getProvinceSummary(provinceCode: string): Promise<ProvinceSummary> {
    const res = await this.transport.send({
      route: 'summary',
      method: 'GET',
      path: `/api/v1/provinces/${encodeURIComponent(provinceCode)}/summary`,
    });
    return expectJson<ProvinceSummary>(
      res,
      'GET summary',
      (b) => typeof b.digest === 'string' && typeof b.counts === 'object' && b.counts !== null,
    );
  }

  /**
   * The registered GS1 company prefix `digits` (7-12 digits) falls under, or null when none is
   * registered. A registry that cannot be reached throws a retryable PortalError, never null:
   * "not registered" and "could not ask" must not be confused.
   */
  async lookupPrefix(digits: string): Promise<PrefixAnswer | null> {
    if (!/^\d{7,12}$/.test(digits))
      throw new RangeError(`prefix lookup needs 7 to 12 digits, got "${digits}"`);
    const res = await this.transport.send({
      route: 'prefixes',
      method: 'GET',
      path: `/api/v1/registry/prefixes/${digits}`,
    });
    if (res.status === 404 && errorOf(res.data) === 'prefix_not_registered') return null;
    return expectJson<PrefixAnswer>(
      res,
      'GET prefix',
      (b) =>
        typeof b.prefix === 'string' &&
        (b.status === 'active' || b.status === 'revoked') &&
        typeof b.owner === 'object',
    );
  }

  /** Frees the keep-alive sockets; the client is unusable afterwards. */
  close(): Promise<void> {
    this.transport.close();
    return Promise.resolve();
  }

  private async sendChunk(chunk: BatchChunk): Promise<{ results: RecordResult[]; receipt: BatchReceipt }> {
    const res = await this.transport.send({
      route: 'batches',
      method: 'POST',
      path: '/api/v1/batches',
      body: chunk.body,
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': chunk.idempotencyKey },
    });
    if (res.status === 400 && errorOf(res.data) === 'invalid_batch') {
      const details = (res.data as { details?: unknown }).details;
      throw new InvalidBatchError(
        `the portal refused the batch ${chunk.idempotencyKey} as malformed`,
        Array.isArray(details) ? details : [],
      );
    }
    if (res.status === 409) throw new IdempotencyKeyReusedError(chunk.idempotencyKey);
    if (res.status === 413)
      throw new BatchTooLargeError(
        `the portal refused batch ${chunk.idempotencyKey} (${chunk.records.length} records) as too large`,
      );
    const body = expectJson<{ batchId: string; results: unknown[] }>(res, 'POST batch', (b) =>
      Array.isArray(b.results),
    );
    if (body.results.length !== chunk.records.length) {
      throw new PortalProtocolError(
        `the portal answered ${body.results.length} results for ${chunk.records.length} records`,
        res.status,
      );
    }
    const results = body.results.map((r, i) => toRecordResult(r, chunk.records[i].key));
    return {
      results,
      receipt: {
        batchId: String(body.batchId),
        idempotencyKey: chunk.idempotencyKey,
        recordCount: chunk.records.length,
        replayed: res.headers['idempotent-replayed'] === 'true',
      },
    };
  }
}

function expectJson<T>(
  res: PortalResponse,
  what: string,
  valid: (body: Record<string, unknown>) => boolean,
): T {
  const body = res.data;
  if (
    res.status !== 200 ||
    typeof body !== 'object' ||
    body === null ||
    !valid(body as Record<string, unknown>)
  ) {
    throw new PortalProtocolError(
      `${what}: unexpected answer HTTP ${res.status} ${JSON.stringify(body)?.slice(0, 200) ?? ''}`,
      res.status,
    );
  }
  return body as T;
}

/** Keeps only the contract's fields; a result for another key than sent means the answer cannot be trusted. */
function toRecordResult(raw: unknown, expectedKey: string): RecordResult {
  const r = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  if (r.key !== expectedKey || typeof r.status !== 'string' || !RESULT_STATUSES.has(r.status)) {
    throw new PortalProtocolError(
      `the portal answered ${JSON.stringify(raw)} for record ${expectedKey}`,
      200,
    );
  }
  const result: RecordResult = { key: expectedKey, status: r.status as RecordResult['status'] };
  if (typeof r.portalId === 'string') result.portalId = r.portalId;
  if (typeof r.currentVersion === 'number') result.currentVersion = r.currentVersion;
  const error = r.error as { code?: unknown; message?: unknown } | undefined;
  if (result.status === 'rejected') {
    result.error = {
      code: typeof error?.code === 'string' ? error.code : 'UNKNOWN',
      message: typeof error?.message === 'string' ? error.message : '',
    };
  }
  return result;
}
