import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  badRequest,
  HUB_CONFIG,
  type HubConfig,
  notFound,
  OutboundGuard,
  type SecretBox,
} from '@txng/common';
import { type DeliveryRow, isDeliveryCursor } from '@txng/persistence';
import { type JobPayload, jobId, QueueName } from '@txng/queues';
import { type Queue } from 'bullmq';
import { SECRET_BOX } from '../sources/sources.service';
import { SourceCache } from '../sources/source-cache';
import { activeCallbackSecrets, type SourceSecrets } from '../sources/source-secrets';
import { type CallbackBody, nextRetryAt, subscribes } from './callback-events';
import { CallbackSender } from './callback-sender';
import {
  CALLBACK_STORE,
  type CallbackStore,
  RECEIPT_READER,
  type ReceiptReader,
} from './callback-store.port';

/** A delivery as GET /v1/admin/sources/{key}/deliveries shows it. */
export interface DeliveryView {
  id: string;
  webhookId: string;
  type: string;
  status: DeliveryRow['status'];
  createdAt: string;
  deliveredAt: string | null;
  nextAttemptAt: string | null;
  attempts: Array<{
    at: string;
    statusCode: number | null;
    error: string | null;
    durationMs: number;
    manual: boolean;
  }>;
}

/** A claim outlives one attempt (10 s answer limit) with room to record it. */
const CLAIM_MS = 60_000;
/**
 * A pending delivery this long past due, unclaimed and without a live job, has lost its job (Redis
 * lost it, or the process stopped between recording an attempt and queueing the next).
 */
const OVERDUE_GRACE_MS = 5_000;
const SCAN_BATCH = 200;
/** A receipt whose records have not all reached the portal in a week gets no `receipt.synced`. */
const WATCH_DAYS = 7;

/**
 * Signed callbacks (hub-interface.md, "v1 additions"; docs/operations.md, "Callbacks"). Events are
 * rows in `callback_delivery` before anything is sent, so a restart loses none: `receipt.processed`
 * when the ingest worker has judged a receipt, `receipt.synced` and `conflict.resolved` when the
 * scan finds them in what sync and operators stored. Each attempt is one `callbacks` job; when
 * Redis loses one, the scan queues it again from the table.
 */
@Injectable()
export class CallbacksService {
  private readonly logger = new Logger(CallbacksService.name);
  private readonly sender: CallbackSender;

  constructor(
    @Inject(CALLBACK_STORE) private readonly store: CallbackStore,
    private readonly sources: SourceCache,
    @Inject(RECEIPT_READER) private readonly receipts: ReceiptReader,
    @Inject(SECRET_BOX) private readonly box: SecretBox,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    @InjectQueue(QueueName.Callbacks) private readonly queue: Queue,
    guard: OutboundGuard,
  ) {
    this.sender = new CallbackSender(guard, config.notify.callbackTimeoutMs);
  }

  /**
   * A receipt was judged (first time, or again by a replay run): its `receipt.processed` is stored
   * and queued, and its `receipt.synced` awaited. Safe to call twice for the same judgment.
   */
  async receiptJudged(receiptId: string, sourceKey: string, replayRunId: string | null): Promise<void> {
    await this.receiptsJudged([receiptId], sourceKey, replayRunId);
  }

  /** `receiptJudged` for several receipts of one source (a run judged together): the source is read once. */
  async receiptsJudged(receiptIds: string[], sourceKey: string, replayRunId: string | null): Promise<void> {
    if (receiptIds.length === 0) return;
    // Most sources have no callback: the definition in memory says so without a statement.
    const known = await this.sources.findAny(sourceKey);
    if (!known || known.deletedAt || !known.callback) return;
    const source = await this.store.subscriber(sourceKey);
    if (!source) return;
    const generation = replayRunId ? `:replay:${replayRunId}` : '';
    for (const receiptId of receiptIds) {
      if (subscribes(source.callback, 'receipt.processed')) {
        const data = await this.receipts.receipt(receiptId);
        if (data !== null) {
          await this.queueNew(
            await this.store.insertEvents([
              {
                sourceKey,
                type: 'receipt.processed',
                dedupKey: `receipt.processed:${receiptId}${generation}`,
                payload: data,
              },
            ]),
          );
        }
      }
      if (subscribes(source.callback, 'receipt.synced'))
        await this.store.watchSync(receiptId, sourceKey, generation);
    }
  }

  /**
   * One pass of the scan every worker runs (CALLBACK_SCAN_EVERY_MS): receipts now fully at the
   * portal, resolved conflicts, and deliveries whose job was lost. Answers how many it queued.
   */
  async scan(): Promise<{ synced: number; conflicts: number; requeued: number }> {
    let synced = 0;
    for (const w of await this.store.checkSyncWatches(SCAN_BATCH)) {
      if (w.anyAccepted && w.allSynced) {
        const data = await this.receipts.receipt(w.receiptId);
        if (data !== null) {
          const created = await this.store.insertEvents([
            {
              sourceKey: w.sourceKey,
              type: 'receipt.synced',
              dedupKey: `receipt.synced:${w.receiptId}${w.generation}`,
              payload: data,
            },
          ]);
          await this.queueNew(created);
          synced += created.length;
        }
        await this.store.unwatchSync(w.receiptId, w.sourceKey, w.generation);
      } else if (!w.anyAccepted || w.createdAt.getTime() < Date.now() - WATCH_DAYS * 86_400_000) {
        // Nothing of it will reach the portal (all quarantined, duplicates of nothing, or given up).
        await this.store.unwatchSync(w.receiptId, w.sourceKey, w.generation);
      }
    }
    let conflicts = 0;
    for (const c of await this.store.resolvedConflictsToSend(SCAN_BATCH)) {
      const data = await this.store.conflictForSource(c.conflictId, c.sourceKey);
      if (data === null) continue;
      const created = await this.store.insertEvents([
        {
          sourceKey: c.sourceKey,
          type: 'conflict.resolved',
          dedupKey: `conflict.resolved:${c.conflictId}`,
          payload: data,
        },
      ]);
      await this.queueNew(created);
      conflicts += created.length;
    }
    let requeued = 0;
    for (const d of await this.store.overdue(OVERDUE_GRACE_MS, SCAN_BATCH)) {
      const id = deliveryJobId(d.id, d.attempts);
      const state = await this.queue.getJobState(id);
      if (state === 'waiting' || state === 'delayed' || state === 'active' || state === 'prioritized')
        continue;
      if (state !== 'unknown') await this.queue.remove(id);
      await this.enqueue(d.id, d.attempts, 0);
      requeued += 1;
    }
    if (requeued > 0)
      this.logger.warn(`${requeued} callback deliver(ies) had lost their job and were queued again`);
    return { synced, conflicts, requeued };
  }

  /** One attempt of a delivery (the `deliver-callback` job). */
  async deliver(deliveryId: string, attempts: number): Promise<'delivered' | 'retry' | 'failed' | 'skipped'> {
    const claimed = await this.store.claim(deliveryId, attempts, CLAIM_MS);
    if (!claimed) return 'skipped';
    const source = await this.store.subscriber(claimed.sourceKey);
    if (!source) {
      await this.store.abandon(
        claimed.id,
        'The source has no callback any more (removed, or the source deleted).',
      );
      return 'failed';
    }
    const secrets = activeCallbackSecrets(this.secretsOf(source.secretsEnc), new Date());
    if (secrets.length === 0) {
      await this.store.abandon(claimed.id, 'The source has no callback secret; rotate it to make one.');
      return 'failed';
    }
    const body: CallbackBody = {
      type: claimed.type,
      timestamp: claimed.createdAt.toISOString(),
      data: claimed.payload,
    };
    const result = await this.sender.send(source.callback.url, claimed.id, JSON.stringify(body), secrets);
    const manual = claimed.retries === 0 && claimed.attempts > 0;
    const attempt = {
      manual,
      durationMs: result.durationMs,
      statusCode: result.statusCode,
      error: result.error,
    };
    if (result.delivered) {
      await this.store.recordAttempt(claimed, attempt, null);
      return 'delivered';
    }
    const retryAt = nextRetryAt(this.config.notify.callbackRetryDelaysSeconds, claimed.retries);
    await this.store.recordAttempt(claimed, attempt, { retryAt });
    if (retryAt === null) {
      this.logger.warn(
        `callback ${claimed.id} to ${claimed.sourceKey} given up after ${claimed.attempts + 1} attempts`,
      );
      return 'failed';
    }
    await this.enqueue(claimed.id, claimed.attempts + 1, retryAt.getTime() - Date.now());
    return 'retry';
  }

  async list(
    sourceKey: string,
    cursor: string | null,
    limit = 50,
  ): Promise<{ items: DeliveryView[]; nextCursor: string | null }> {
    if (cursor !== null && !isDeliveryCursor(cursor))
      throw badRequest('cursor is not one this list gave out.');
    const page = await this.store.list(sourceKey, cursor, limit);
    return { items: page.items.map(toDeliveryView), nextCursor: page.nextCursor };
  }

  /** An operator sends a delivery again now (any status); its retry schedule starts over. */
  async redeliver(sourceKey: string, id: string): Promise<DeliveryView> {
    const existing = await this.store.get(sourceKey, id);
    if (!existing) throw notFound(`Delivery ${id} of source "${sourceKey}"`);
    const reset = await this.store.redeliver(sourceKey, id);
    if (!reset) throw notFound(`Delivery ${id} of source "${sourceKey}"`);
    await this.enqueue(reset.id, reset.attempts, 0);
    return toDeliveryView((await this.store.get(sourceKey, id)) ?? existing);
  }

  private secretsOf(sealed: string | null): SourceSecrets {
    return sealed ? this.box.openJson<SourceSecrets>(sealed) : {};
  }

  private async queueNew(created: Array<{ id: string; attempts: number }>): Promise<void> {
    // A failure here leaves the row pending: the scan queues it once it is overdue.
    for (const d of created) await this.enqueue(d.id, d.attempts, 0).catch(() => undefined);
  }

  private async enqueue(deliveryId: string, attempts: number, delayMs: number): Promise<void> {
    await this.queue.add(
      'deliver-callback',
      { deliveryId, attempts } satisfies JobPayload<'callbacks', 'deliver-callback'>,
      { jobId: deliveryJobId(deliveryId, attempts), delay: Math.max(0, delayMs) },
    );
  }
}

const deliveryJobId = (deliveryId: string, attempts: number): string =>
  jobId('callback', deliveryId, String(attempts));

function toDeliveryView(d: DeliveryRow): DeliveryView {
  return {
    id: d.id,
    webhookId: d.id,
    type: d.type,
    status: d.status,
    createdAt: d.createdAt.toISOString(),
    deliveredAt: d.deliveredAt?.toISOString() ?? null,
    nextAttemptAt: d.nextAttemptAt?.toISOString() ?? null,
    attempts: d.attemptList.map((a) => ({
      at: a.attemptedAt.toISOString(),
      statusCode: a.statusCode,
      error: a.error,
      durationMs: a.durationMs,
      manual: a.manual,
    })),
  };
}
