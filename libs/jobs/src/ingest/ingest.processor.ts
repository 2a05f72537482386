import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger } from '@nestjs/common';
import {
  CallbacksService,
  RECEIPT_STORE,
  type ReceiptStore,
  ReceiptsService,
  SourceCache,
  SourcesService,
} from '@txng/connectors';
import {
  envelopeToRecords,
  MappingError,
  PayloadParseError,
  type PreviewRecord,
  readRecords,
  toPreviewFinding,
} from '@txng/mapping';
import { type Envelope } from '@txng/national-model';
import {
  type Candidate,
  type OutcomeCounts,
  PIPELINE_BATCH_SIZE,
  PipelineService,
  type Provenance,
  receiptFailureCandidate,
  toCandidate,
} from '@txng/pipeline';
import { type ReceiptEntity, type ReceiptTurn, type SourceEntity } from '@txng/persistence';
import { type JobPayload, QueueName, workerOptions } from '@txng/queues';
import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import { PipelineSettings } from './pipeline-settings';

type ProcessReceiptJob = Job<JobPayload<'ingest', 'process-receipt'>>;

/** At most this many receipts, and this long, judged after its own by one job (`judgeFollowing`). */
const FOLLOWING_RECEIPTS = 50;
const FOLLOWING_MS = 5_000;

export interface IngestResult {
  receiptId: string;
  /** `expired`: the body was purged after the retention period; nothing was read (docs/pipeline.md). */
  status: 'processed' | 'failed' | 'expired';
  records: number;
  /** What the receipt's records became, over every run (a rerun changes nothing). */
  counts: OutcomeCounts;
  /** Receipts of the same source this job judged after its own (`judgeFollowing`). */
  following?: number;
  /** The receipt was judged before this job ran (in another job's run): nothing was judged now. */
  judgedBefore?: true;
}

/**
 * One receipt per job: parse, map, normalise, validate, then the pipeline rules. A body that cannot
 * be parsed or mapped is not lost: it becomes one quarantined `receipt` record with the finding and
 * the receipt is marked failed with the reason (docs/pipeline.md). Missing receipts, sources or
 * mapping versions are permanent (UnrecoverableError); anything else (database, Redis) retries.
 */
@Processor(QueueName.Ingest, workerOptions(QueueName.Ingest))
export class IngestProcessor extends WorkerHost {
  private readonly logger = new Logger(IngestProcessor.name);

  constructor(
    @Inject(RECEIPT_STORE) private readonly receiptStore: ReceiptStore,
    private readonly sourceCache: SourceCache,
    private readonly sources: SourcesService,
    private readonly receipts: ReceiptsService,
    private readonly pipeline: PipelineService,
    private readonly settings: PipelineSettings,
    private readonly callbacks: CallbacksService,
  ) {
    super();
  }

  async process(job: ProcessReceiptJob, token?: string): Promise<IngestResult> {
    if (job.name !== 'process-receipt')
      throw new UnrecoverableError(`The ingest queue has no job "${job.name}".`);
    const { receiptId, replay } = job.data;
    // A replay re-judges old receipts on purpose, out of order: it neither waits nor is waited for.
    if (replay?.status === 'all') return this.replayChosen(receiptId, replay, job, token);
    if (replay) return this.judge(receiptId, replay, job, token);
    // Whether an earlier receipt of the same source (in the order the hub stored them: `received_at`,
    // then `id`) is still unjudged: a receipt stored after another was acknowledged has a later
    // `received_at`, so the province's order is kept. Not waited for: failed receipts (an operator's
    // to replay), and receipts whose first run left records held back for the prefix registry
    // (`held_item`): only those records wait (docs/pipeline.md, "Receipt order"). Asked before the
    // receipt is read, so a job that waits its turn does not fetch the body each time.
    const turn = await this.receiptStore.turn(receiptId);
    if (turn && (turn.status === 'processed' || turn.status === 'failed'))
      return this.judgedBefore(receiptId, turn);
    if (turn?.earlierUnjudged) await this.waitForEarlier(job, token);
    const result = await this.judge(receiptId, null, job, token);
    return { ...result, following: await this.judgeFollowing(receiptId) };
  }

  /**
   * A receipt of a replay of chosen receipts (ReceiptReplay), judged as any replay, and its end
   * written where the run waits for its batch (`replay_receipt_end`): judged once the job's work is
   * done, failed when this attempt fails and no other will follow (a permanent error, or the last
   * attempt). A job put back for held records has not ended.
   */
  private async replayChosen(
    receiptId: string,
    replay: NonNullable<ProcessReceiptJob['data']['replay']>,
    job: ProcessReceiptJob,
    token: string | undefined,
  ): Promise<IngestResult> {
    let result: IngestResult;
    try {
      result = await this.judge(receiptId, replay, job, token);
    } catch (error) {
      const last = error instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (!(error instanceof DelayedError) && last)
        await this.receiptStore.replayEnded(replay.runId, receiptId, true).catch((e: Error) => {
          // The run finds the failed job in BullMQ when nothing more ends (ReceiptReplay.judged).
          this.logger.warn(
            `receipt ${receiptId}: its failure in replay ${replay.runId} not stored: ${e.message}`,
          );
        });
      throw error;
    }
    await this.receiptStore.replayEnded(replay.runId, receiptId, false);
    return result;
  }

  /**
   * Judges one receipt: parse (or take the envelope mapped at intake), map, normalise, validate,
   * then the pipeline rules. With `job`, records held back for the registry move that job to the
   * delayed set; without (a receipt judged in the run of another's job, `judgeFollowing`), they
   * are left to the receipt's own job and the answer is null.
   */
  private async judge(
    receiptId: string,
    replay: ProcessReceiptJob['data']['replay'] | null,
    job: ProcessReceiptJob,
    token: string | undefined,
  ): Promise<IngestResult>;
  private async judge(
    receiptId: string,
    replay: null,
    job: null,
    token: undefined,
  ): Promise<IngestResult | null>;
  private async judge(
    receiptId: string,
    replay: ProcessReceiptJob['data']['replay'] | null,
    job: ProcessReceiptJob | null,
    token: string | undefined,
  ): Promise<IngestResult | null> {
    // Read and marked `processing` at once (a finished receipt keeps its status; a source or
    // mapping found missing below marks it failed).
    const [receipt] = await this.receiptStore.take([receiptId]);
    if (!receipt) throw new UnrecoverableError(`Receipt ${receiptId} does not exist; nothing to process.`);
    if (receipt.body === null) return this.expired(receipt);
    // A deleted source's receipts are still processed: they were acknowledged.
    const source = await this.sourceCache.findAny(receipt.sourceKey);
    if (!source)
      throw await this.giveUp(
        receiptId,
        `Receipt ${receiptId} names source "${receipt.sourceKey}", which does not exist.`,
      );
    // A replay reads the receipt with the source's current mapping (the point of replaying after a fix).
    const mappingVersion = replay ? source.mappingVersion : (receipt.mappingVersion ?? source.mappingVersion);
    const mapping = mappingVersion === null ? null : await this.sources.mapping(source.key, mappingVersion);
    if (mappingVersion !== null && !mapping) {
      throw await this.giveUp(
        receiptId,
        `Mapping version ${mappingVersion} of source "${source.key}" does not exist; restore it and replay receipt ${receiptId}.`,
      );
    }

    const { provenance, candidates, error } = await this.candidates(
      receipt,
      source,
      mappingVersion,
      mapping,
      replay?.runId ?? null,
    );
    const applied = await this.pipeline.apply(
      provenance,
      candidates,
      replay ? { replay: { runId: replay.runId, status: replay.status, kind: replay.kind ?? null } } : {},
    );
    if (applied.held > 0) {
      // Only the held records wait for the registry; the source's next receipt may go on.
      if (!replay) await this.receipts.wakeNext(receiptId);
      if (!job) return null;
      await this.holdBack(job, token, applied.held, applied.heldReason);
    }
    const status = error === null ? 'processed' : 'failed';
    const records = error === null ? candidates.length : 0;
    const counts = await this.pipeline.finish(receiptId, { status, recordCount: records, error });
    // (The source's next receipt is judged by this job or woken in `judgeFollowing`.)
    // Stored before the job completes: a crash here runs the job again, and the event is stored once.
    await this.callbacks.receiptJudged(receiptId, source.key, replay?.runId ?? null);
    if (error !== null) this.logger.warn(`receipt ${receiptId} of ${source.key} could not be read: ${error}`);
    return { receiptId, status, records, counts };
  }

  /**
   * After its own receipt, a job judges the source's next receipts in the order the hub stored
   * them, as long as each one's turn has come (no earlier receipt unjudged), up to
   * FOLLOWING_RECEIPTS or FOLLOWING_MS (docs/pipeline.md, "Receipt order"). Their own jobs then find
   * them judged and end at once (`judgedBefore`), instead of going round the delayed set until
   * their turn. Consecutive receipts that fit in one batch of records are judged together, in one
   * transaction (`judgeTogether`); a bigger one is judged alone. Stops at a receipt another job is
   * judging, one whose records are held back, or one that fails; the next receipt's job is woken.
   */
  private async judgeFollowing(receiptId: string): Promise<number> {
    const until = Date.now() + FOLLOWING_MS;
    let last = receiptId;
    let judgedNow = 0;
    try {
      while (judgedNow < FOLLOWING_RECEIPTS && Date.now() < until) {
        const { blocked, next } = await this.receiptStore.following(last, FOLLOWING_RECEIPTS - judgedNow);
        if (next.length === 0) return judgedNow;
        if (blocked) break;
        // Not being judged by another job (`processing`), and together no more than one batch.
        const run: string[] = [];
        let records = 0;
        for (const r of next) {
          if (r.status !== 'stored' && r.status !== 'queued') break;
          if (r.recordCount === null || records + r.recordCount > PIPELINE_BATCH_SIZE) break;
          records += r.recordCount;
          run.push(r.id);
        }
        if (run.length > 1) {
          const together = await this.judgeTogether(run);
          if (together > 0) last = run[together - 1];
          judgedNow += together;
          if (together < run.length) break;
          continue;
        }
        const first = next[0];
        if (first.status !== 'stored' && first.status !== 'queued') break;
        const judged = await this.judge(first.id, null, null, undefined);
        last = first.id;
        if (judged === null) break;
        judgedNow += 1;
        if (judged.status !== 'processed') break;
      }
    } catch (error) {
      // Its own job judges it (and retries) as before; this job's receipt is judged already.
      this.logger.warn(`judging the receipts after ${last} stopped: ${(error as Error).message}`);
    }
    await this.receipts.wakeNext(last);
    return judgedNow;
  }

  /**
   * Judges consecutive receipts of one source whose turn has come in one transaction
   * (`PipelineService.applyRun`): read and marked processing in one statement, the source read
   * once, each mapped (or its envelope taken) as its own job would. Answers how many of them,
   * from the first, are judged now. A receipt that cannot be read, whose mapping version is gone,
   * or a run the pipeline cannot judge together (a product the registry cannot be asked about)
   * is judged one by one (`judge`), which deals with it exactly as before.
   */
  private async judgeTogether(ids: string[]): Promise<number> {
    const receipts = await this.receiptStore.take(ids);
    if (receipts.length !== ids.length) return 0;
    const source = await this.sourceCache.findAny(receipts[0].sourceKey);
    if (!source) return 0;
    const items: Array<{ provenance: Provenance; candidates: Candidate[] }> = [];
    for (const receipt of receipts) {
      if (receipt.body === null || receipt.sourceKey !== source.key) break;
      const mappingVersion = receipt.mappingVersion ?? source.mappingVersion;
      const mapping = mappingVersion === null ? null : await this.sources.mapping(source.key, mappingVersion);
      if (mappingVersion !== null && !mapping) break;
      const { provenance, candidates, error } = await this.candidates(
        receipt,
        source,
        mappingVersion,
        mapping,
        null,
      );
      if (error !== null) break;
      items.push({ provenance, candidates });
    }
    const counts = items.length > 1 ? await this.pipeline.applyRun(items) : null;
    if (counts === null) {
      // One by one, as a run always did (the envelopes dropped by `take` are mapped again).
      let judged = 0;
      for (const id of ids) {
        const result = await this.judge(id, null, null, undefined);
        if (result === null) break;
        judged += 1;
        if (result.status !== 'processed') break;
      }
      return judged;
    }
    const judged = items.map((i) => i.provenance.receiptId);
    // Stored before the jobs complete: a crash here leaves each receipt's own job to store its event.
    await this.callbacks.receiptsJudged(judged, source.key, null);
    return judged.length;
  }

  /**
   * The receipt was judged before this job ran (in the run of an earlier receipt's job, or by an
   * earlier run of this job that ended before completing): its stored outcome, nothing judged twice.
   * The callback event is stored again only if it was not (it is stored once), and looked for only
   * when the source has a callback.
   */
  private async judgedBefore(receiptId: string, turn: ReceiptTurn): Promise<IngestResult> {
    // The turn said whether the source has a callback: without one there is nothing to store.
    if (turn.callbacks) await this.callbacks.receiptJudged(receiptId, turn.sourceKey, null);
    const counts = { new: 0, version: 0, duplicate: 0, quarantined: 0, conflict: 0, ...(turn.counts ?? {}) };
    return {
      receiptId,
      status: turn.status === 'failed' ? 'failed' : 'processed',
      records: turn.recordCount ?? 0,
      counts,
      judgedBefore: true,
    };
  }

  /**
   * A permanent failure of a receipt that exists: it is marked `failed` with the reason before the
   * job fails, so the sweeper (which queues again receipts whose job failed) leaves it to an operator.
   */
  private async giveUp(receiptId: string, message: string): Promise<UnrecoverableError> {
    await this.receiptStore.markFailed(receiptId, message);
    await this.receipts.wakeNext(receiptId);
    return new UnrecoverableError(message);
  }

  /**
   * The receipt's body was purged after the retention period. Only finished receipts lose their
   * body, so this is a replay (or a late duplicate job): nothing can be read again, and that is an
   * answer, not a failure. The replay run counts it as expired.
   */
  private async expired(receipt: ReceiptEntity): Promise<IngestResult> {
    this.logger.log(
      `receipt ${receipt.id}: body purged ${receipt.bodyPurgedAt?.toISOString() ?? ''} after the retention period; not read again`,
    );
    const stored = await this.receiptStore.countsOf<OutcomeCounts>(receipt.id);
    const counts = {
      new: 0,
      version: 0,
      duplicate: 0,
      quarantined: 0,
      conflict: 0,
      ...(stored ?? {}),
    };
    return { receiptId: receipt.id, status: 'expired', records: 0, counts };
  }

  /**
   * Some records could not be judged yet (the prefix registry is unreachable): they have no link,
   * so the next run of this job judges exactly them. The job is put back in the delayed set with a
   * growing delay, without spending an attempt, and runs again by itself; nothing is lost.
   */
  private async holdBack(
    job: ProcessReceiptJob,
    token: string | undefined,
    held: number,
    reason: string | null,
  ): Promise<never> {
    const holds = (job.data.holds ?? 0) + 1;
    const delay = this.settings.holdDelay(holds);
    await this.receiptStore.noteError(
      job.data.receiptId,
      `${held} record(s) held back, retry ${holds} in ${Math.round(delay / 1000)} s: ${reason ?? 'unknown reason'}`,
    );
    this.logger.warn(
      `receipt ${job.data.receiptId}: ${held} record(s) held back (${reason}); again in ${delay} ms`,
    );
    await job.updateData({ ...job.data, holds });
    await job.moveToDelayed(Date.now() + delay, token);
    throw new DelayedError();
  }

  /**
   * An earlier receipt of the source is not judged yet: this job goes back to the delayed set for a
   * short, growing delay (without spending an attempt) rather than wait here, which would hold a
   * worker slot that the earlier receipt's job may need.
   */
  private async waitForEarlier(job: ProcessReceiptJob, token: string | undefined): Promise<never> {
    const waits = (job.data.waits ?? 0) + 1;
    const delay = this.settings.orderDelay(waits);
    if (waits === 1 || waits % 20 === 0)
      this.logger.log(
        `receipt ${job.data.receiptId}: an earlier receipt of its source is not judged yet; look ${waits}, again in ${delay} ms`,
      );
    await job.updateData({ ...job.data, waits });
    await job.moveToDelayed(Date.now() + delay, token);
    throw new DelayedError();
  }

  /**
   * The receipt's provenance and its records as candidates, or one `receipt` candidate carrying the
   * parse or mapping failure, read with `mappingVersion` (`mapping`). From the envelope mapped at
   * intake when there is one under that very version and this is not a replay (docs/ingest.md,
   * "Mapped once"): the same mapping made it of the same body, so only normalising and validating
   * are left.
   */
  private async candidates(
    receipt: ReceiptEntity,
    source: SourceEntity,
    mappingVersion: number | null,
    mapping: { language: 'jsonata'; expression: string } | null,
    replayRunId: string | null,
  ): Promise<{ provenance: Provenance; candidates: Candidate[]; error: string | null }> {
    const provenance: Provenance = {
      receiptId: receipt.id,
      sourceKey: source.key,
      sourceProvinceCode: source.provinceCode,
      mappingVersion,
      webhookId: receipt.webhookId,
      pollPage: receipt.pollPage,
      replayRunId,
    };
    const mapped =
      replayRunId === null && receipt.mappingVersion === mappingVersion ? receipt.mappedEnvelope : null;
    let records: PreviewRecord[];
    try {
      const envelope = mapped === null ? null : parseEnvelope(mapped);
      records =
        envelope !== null
          ? envelopeToRecords(envelope, { policy: source.policy })
          : await readRecords({
              format: source.format,
              mapping: mapping ? { language: mapping.language, expression: mapping.expression } : undefined,
              body: receipt.body!,
              policy: source.policy,
            });
    } catch (error) {
      if (error instanceof PayloadParseError || error instanceof MappingError) {
        const { code, message, path } = toPreviewFinding(error);
        const finding = { code, message, path };
        return {
          provenance,
          candidates: [receiptFailureCandidate(finding, provenance)],
          error: `${error.code}: ${error.message}`,
        };
      }
      throw error;
    }
    return { provenance, candidates: records.map((r, i) => toCandidate(r, i, provenance)), error: null };
  }
}

/** The stored envelope, or null (then the body is mapped again) if it is not an envelope's JSON. */
function parseEnvelope(text: string): Envelope | null {
  try {
    const envelope = JSON.parse(text) as Envelope | null;
    return typeof envelope === 'object' && envelope !== null && !Array.isArray(envelope) ? envelope : null;
  } catch {
    return null;
  }
}
