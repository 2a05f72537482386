import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { METRICS_REGISTRY } from '@txng/common';
import {
  PORTAL_CLIENTS,
  type PortalClient,
  type PortalClients,
  PortalError,
  type PortalTarget,
  PortalUnavailableError,
  type RecordResult,
} from '@txng/portal-client';
import { jobId, QueueName } from '@txng/queues';
import { type Queue } from 'bullmq';
import { type Registry } from 'prom-client';
import { SYNC_BATCH_STORE, type SyncBatchStore } from './sync-batch.port';
import { type ClaimedBatch, type ItemOutcome, SyncBatches } from './sync-batches';
import { SyncMetrics } from './sync-metrics';
import { SYNC_OPTIONS, type SyncOptions } from './sync.options';

export interface ProvinceRunResult {
  batches: number;
  records: number;
  deferred: number;
  failed: number;
}

type SendOutcome = 'acked' | 'deferred' | 'failed';

/**
 * Sends a province's ready versions to one portal target (docs/sync.md). Each batch is claimed
 * (written to `sync_batch`) before it is sent and acknowledged after, so whatever happens in
 * between, the same batch is sent again with the same Idempotency-Key and body.
 */
@Injectable()
export class SyncService {
  private readonly logger = new Logger(SyncService.name);
  readonly store: SyncBatches;
  private readonly metrics: SyncMetrics;

  constructor(
    @Inject(SYNC_BATCH_STORE) store: SyncBatchStore,
    @Inject(PORTAL_CLIENTS) private readonly clients: PortalClients,
    @Inject(SYNC_OPTIONS) private readonly options: SyncOptions,
    @Inject(METRICS_REGISTRY) registry: Registry,
    @InjectQueue(QueueName.Reconcile) private readonly reconcileQueue: Queue,
  ) {
    this.store = new SyncBatches(store, options);
    this.metrics = new SyncMetrics(registry, clients, () => this.store.backlog());
  }

  client(target: PortalTarget): PortalClient | null {
    return this.clients[target];
  }

  /** Due pending batches first, then new claims, up to `inFlightPerProvince` at a time, round after round. */
  async runProvince(provinceCode: string, target: PortalTarget): Promise<ProvinceRunResult> {
    const result: ProvinceRunResult = { batches: 0, records: 0, deferred: 0, failed: 0 };
    const client = this.clients[target];
    if (!client) {
      const marked = await this.store.markUnsendable(
        provinceCode,
        target,
        'not sent: the source is in testing and no sandbox portal is configured (PORTAL_SANDBOX_BASE_URL)',
      );
      if (marked > 0)
        this.logger.warn(`${marked} ready versions of province ${provinceCode} have no portal to go to`);
      return result;
    }
    const parallel = this.options.inFlightPerProvince;
    for (let round = 0; round < this.options.roundsPerJob; round++) {
      const batches = await this.store.takeDue(provinceCode, target, parallel);
      while (batches.length < parallel) {
        const claimed = await this.store.claim(provinceCode, target);
        if (!claimed) break;
        batches.push(claimed);
      }
      if (batches.length === 0) break;
      const outcomes = await this.whileLeased(batches, () =>
        Promise.all(batches.map((b) => this.sendAndAcknowledge(client, b))),
      );
      result.batches += batches.length;
      result.records += batches.reduce((n, b) => n + b.items.length, 0);
      result.deferred += outcomes.filter((o) => o === 'deferred').length;
      result.failed += outcomes.filter((o) => o === 'failed').length;
      // The portal is in trouble: leave the rest for a later tick instead of piling on.
      if (outcomes.includes('deferred')) break;
    }
    return result;
  }

  /**
   * Keeps the batches' leases alive while `work` runs, renewing them every third of the lease: a
   * live sender keeps its batches however slow the portal, and a process that dies loses them
   * within one lease (SYNC_LEASE_MS, docs/sync.md "Claim, send, acknowledge").
   */
  private async whileLeased<T>(batches: ClaimedBatch[], work: () => Promise<T>): Promise<T> {
    const ids = batches.map((b) => b.id);
    let renewing: Promise<unknown> = Promise.resolve();
    const timer = setInterval(
      () => {
        renewing = this.store
          .renewLeases(ids)
          .catch((error: unknown) =>
            this.logger.warn(`leases of batches ${ids.join(', ')} not renewed: ${(error as Error).message}`),
          );
      },
      Math.max(50, Math.floor(this.options.leaseMs / 3)),
    );
    try {
      return await work();
    } finally {
      clearInterval(timer);
      await renewing;
    }
  }

  /** Sends one claimed batch and records the outcome. Never throws for portal errors. */
  async sendAndAcknowledge(client: PortalClient, batch: ClaimedBatch): Promise<SendOutcome> {
    const started = Date.now();
    const done = (outcome: SendOutcome): SendOutcome => {
      this.metrics.batches.inc({ target: batch.target, outcome });
      this.metrics.batchSeconds.observe({ target: batch.target, outcome }, (Date.now() - started) / 1000);
      return outcome;
    };
    let answer: Awaited<ReturnType<PortalClient['pushBatch']>>;
    try {
      answer = await client.pushBatch(batch.provinceCode, batch.records);
    } catch (error) {
      return done(await this.onSendError(batch, error));
    }
    const outcomes = await this.outcomesOf(client, batch, answer.results);
    const summary: Record<string, number> = {};
    for (const r of answer.results) summary[r.status] = (summary[r.status] ?? 0) + 1;
    const written = await this.store.acknowledge(batch, outcomes, {
      portalBatchIds: answer.batches.map((b) => b.batchId),
      replayed: answer.batches.some((b) => b.replayed),
      summary,
    });
    if (written) {
      for (const [status, n] of Object.entries(summary))
        this.metrics.records.inc({ target: batch.target, result: status }, n);
      if (answer.results.some((r) => r.status === 'stale' || r.error?.code === 'VERSION_GAP'))
        await this.requestReconcile(batch.provinceCode, batch.target);
    }
    return done('acked');
  }

  private async onSendError(batch: ClaimedBatch, error: unknown): Promise<SendOutcome> {
    const portalError = error instanceof PortalError ? error : null;
    const code = portalError?.code ?? 'sync_error';
    const message = (error as Error).message;
    if (portalError && !portalError.retryable) {
      // InvalidBatchError, BatchTooLargeError, IdempotencyKeyReusedError, PortalAuthError,
      // PortalProtocolError: resending the same batch cannot succeed.
      this.logger.error(
        `batch ${batch.id} (${batch.items.length} records) failed for good: ${code}: ${message}`,
      );
      await this.store.fail(batch, { code, message });
      this.metrics.records.inc({ target: batch.target, result: 'failed' }, batch.items.length);
      return 'failed';
    }
    if (this.options.maxAttempts > 0 && batch.attempts >= this.options.maxAttempts) {
      await this.store.fail(batch, {
        code: 'RETRIES_EXHAUSTED',
        message: `gave up after ${batch.attempts} sends; last: ${code}: ${message}`,
      });
      this.metrics.records.inc({ target: batch.target, result: 'failed' }, batch.items.length);
      return 'failed';
    }
    // Retryable (the portal is down, slow, rate limiting, or the breaker is open) or a hub-side
    // error (database): the batch stays claimed and is re-sent unchanged later.
    const backoff = Math.min(
      this.options.backoffMaxMs,
      this.options.backoffBaseMs * 2 ** Math.max(0, batch.attempts - 1),
    );
    const delayMs = Math.max(backoff, portalError?.retryAfterMs ?? 0);
    const breakerOpen = error instanceof PortalUnavailableError;
    this.logger.warn(`batch ${batch.id} deferred ${delayMs} ms: ${code}: ${message}`);
    await this.store.defer(batch.id, delayMs, { code, message, at: new Date().toISOString() }, !breakerOpen);
    return 'deferred';
  }

  /**
   * Per-record results as outcomes. `stale` (the portal holds a higher version than the hub
   * counted): the portal's record is read back; same content → the version is synced at the
   * portal's version; other content (or the read-back failed) → the hub adopts the portal's
   * version and the version goes back to `ready`, to be sent as currentVersion + 1.
   */
  private async outcomesOf(
    client: PortalClient,
    batch: ClaimedBatch,
    results: RecordResult[],
  ): Promise<ItemOutcome[]> {
    const outcomes: ItemOutcome[] = [];
    for (const [i, r] of results.entries()) {
      const item = batch.items[i];
      const base = { id: item.id, kind: item.kind, key: item.key };
      const where = `portal version ${item.portalVersion}, batch ${batch.id}`;
      if (r.status === 'accepted' || r.status === 'duplicate') {
        outcomes.push({
          ...base,
          status: 'synced',
          reason: `sync: ${r.status === 'accepted' ? 'accepted' : 'already held (duplicate)'} by the ${batch.target} portal as ${where} (${r.portalId ?? 'no portal id'})`,
          portalId: r.portalId ?? null,
          portalVersion: item.portalVersion,
          contentHash: item.contentHash,
          error: null,
        });
      } else if (r.status === 'rejected') {
        const code = r.error?.code ?? 'UNKNOWN';
        const message = r.error?.message ?? '';
        outcomes.push({
          ...base,
          status: 'rejected',
          reason: `sync: rejected by the ${batch.target} portal (${code}) as ${where}: ${message}`,
          error: { code, message, batchId: batch.id, currentVersion: r.currentVersion ?? null },
          finding: { code, message: `portal: ${message}`, path: '' },
        });
      } else {
        outcomes.push(await this.staleOutcome(client, batch, item, r));
      }
    }
    return outcomes;
  }

  private async staleOutcome(
    client: PortalClient,
    batch: ClaimedBatch,
    item: ClaimedBatch['items'][number],
    r: RecordResult,
  ): Promise<ItemOutcome> {
    const base = { id: item.id, kind: item.kind, key: item.key };
    const current = r.currentVersion ?? item.portalVersion;
    let held: Awaited<ReturnType<PortalClient['getRecord']>> = null;
    try {
      held = await client.getRecord(item.kind, item.key);
    } catch (error) {
      this.logger.warn(`read-back of stale ${item.kind} ${item.key} failed: ${(error as Error).message}`);
    }
    if (held && held.contentHash === item.contentHash) {
      return {
        ...base,
        status: 'synced',
        reason: `sync: the ${batch.target} portal already holds this content as version ${held.version} (stale answer for ${item.portalVersion}); adopted`,
        portalId: held.portalId,
        portalVersion: held.version,
        contentHash: item.contentHash,
        error: null,
      };
    }
    const adopted = held?.version ?? current;
    return {
      ...base,
      status: 'ready',
      reason: `sync: stale, the ${batch.target} portal holds version ${adopted} of the key (sent ${item.portalVersion}); resending as ${adopted + 1}`,
      portalId: r.portalId ?? held?.portalId ?? null,
      portalVersion: adopted,
      error: { code: 'STALE', currentVersion: adopted, sentVersion: item.portalVersion, batchId: batch.id },
    };
  }

  private async requestReconcile(provinceCode: string, target: PortalTarget): Promise<void> {
    try {
      await this.reconcileQueue.add(
        'reconcile-province',
        { provinceCode, target, trigger: 'sync' },
        {
          jobId: jobId('reconcile-province', provinceCode, target),
          delay: 1000,
          removeOnComplete: true,
          removeOnFail: true,
        },
      );
    } catch (error) {
      this.logger.warn(`could not ask for a reconciliation of ${provinceCode}: ${(error as Error).message}`);
    }
  }
}
