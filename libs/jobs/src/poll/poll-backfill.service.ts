import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { HUB_CONFIG, type HubConfig, InvalidStateError } from '@txng/common';
import {
  type BackfillSink,
  type BackfillStart,
  BackfillStopped,
  PollBackfill,
  PollFetchError,
  POLLED_STAGES,
} from '@txng/connectors';
import { type BackfillProgress, PgPollBackfillRepository, type SourceEntity } from '@txng/persistence';
import { randomUUID } from 'node:crypto';
import { type DataSource } from 'typeorm';
import { OperationStarter } from '../operations/operation-starter';
import { OperationCancelledError } from '../operations/operation-tracker';
import { type OperationView } from '../operations/operation-view';
import { OperationsService } from '../operations/operations.service';

/** What a backfill's operation stores as its params: where it starts. */
interface BackfillParams {
  start: BackfillStart;
}

/**
 * A poll source's history fetched again as an operation (docs/poll-connector.md, "Backfill";
 * docs/adr/0006-operations.md). Asking starts the operation and its audit entry (`source.backfill`)
 * through OperationStarter, its job on the poll queue; the job walks the province's API page by page
 * (PollBackfill), each page's receipt, items and position committed together, so a cancel lands
 * between two pages and a lost job resumes after the last stored page.
 */
@Injectable()
export class PollBackfillService {
  private readonly store: PgPollBackfillRepository;

  constructor(
    @InjectDataSource() dataSource: DataSource,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    private readonly operations: OperationsService,
    private readonly starter: OperationStarter,
    private readonly backfill: PollBackfill,
  ) {
    this.store = new PgPollBackfillRepository(dataSource);
  }

  /**
   * Starts a backfill of a poll source in testing or active that has none running (else
   * InvalidStateError). `start` must fit the source's pagination (backfillStartProblem).
   */
  async ask(source: SourceEntity, start: BackfillStart, actor: string): Promise<OperationView> {
    if (source.kind !== 'poll' || !source.poll)
      throw new InvalidStateError(
        `Source "${source.key}" is a ${source.kind} source; only poll sources are backfilled (a webhook province sends its history itself).`,
      );
    if (!POLLED_STAGES.has(source.stage))
      throw new InvalidStateError(
        `Source "${source.key}" is ${source.stage}; a backfill runs for sources in testing or active only.`,
      );
    const running = await this.running(source.key);
    if (running) throw this.alreadyRunning(source.key, running);
    const operationId = randomUUID();
    const params: BackfillParams = { start };
    try {
      await this.starter.start(
        'poll-backfill',
        {
          id: operationId,
          kind: 'poll-backfill',
          actor,
          provinceCode: source.provinceCode,
          sourceKey: source.key,
          params: { ...params },
        },
        {
          actor,
          action: 'source.backfill',
          target: source.key,
          details: { operationId, start: { ...start }, pagination: source.poll.pagination.type },
          provinceCodes: [source.provinceCode],
        },
      );
    } catch (error) {
      // Two operators at the same moment: the index lets one unfinished backfill per source in.
      if (PgPollBackfillRepository.isAlreadyRunning(error))
        throw this.alreadyRunning(source.key, (await this.running(source.key)) ?? 'another one');
      throw error;
    }
    return (await this.operations.get(operationId, null))!;
  }

  /**
   * Does the backfill: from its start, or from the position its operation kept (a job queued again
   * after a loss), until the end of the province's API, a cancel, or a failure.
   */
  async run(operationId: string): Promise<{ state: string }> {
    const tracker = this.operations.tracker(operationId);
    const outcome = await tracker.run(async (op) => {
      const { start } = op.params as unknown as BackfillParams;
      const kept = op.result as Partial<BackfillProgress> | null;
      const from =
        kept && typeof kept.pages === 'number' && 'next' in kept ? (kept as BackfillProgress) : null;
      const sink: BackfillSink = {
        storePage: async (receipt, progress) => {
          const stored = await this.store.storePage(operationId, receipt, progress);
          return { receiptId: stored.receiptId, stop: stored.cancelRequested };
        },
        moveOn: (progress) => this.store.moveOn(operationId, progress),
        total: (total) => tracker.total(total),
      };
      try {
        const end = await this.backfill.walk(operationId, op.sourceKey!, start ?? {}, from, sink, {
          pauseMs: this.config.intake.operationPauseMs,
        });
        return { pages: end.pages, items: end.items };
      } catch (error) {
        if (error instanceof BackfillStopped) throw new OperationCancelledError(operationId);
        // The operation says what failed and how to fix it; a PollFetchError names no secret.
        if (error instanceof PollFetchError) throw new Error(`${error.code}: ${error.message}`);
        throw error;
      }
    });
    return { state: outcome.state };
  }

  private async running(sourceKey: string): Promise<string | null> {
    const [op] = await this.operations.list(
      { kind: 'poll-backfill', sourceKey, unfinished: true, limit: 1 },
      null,
    );
    return op?.id ?? null;
  }

  private alreadyRunning(key: string, operationId: string): InvalidStateError {
    return new InvalidStateError(
      `A backfill of source "${key}" is already running (operation ${operationId}); watch or cancel it at /v1/admin/operations/${operationId}.`,
    );
  }
}
