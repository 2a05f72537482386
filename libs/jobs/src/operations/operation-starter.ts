import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type AuditEvent, AuditService, type NewOperation } from '@txng/persistence';
import { type DataSource } from 'typeorm';
import { OperationJobs, type OperationJobName, operationJobId } from './operation-jobs';
import { OperationsService } from './operations.service';

/**
 * How every operation an operator asks for begins (docs/adr/0006-operations.md): the operation and
 * its audit entry are stored in one transaction, so neither exists without the other, then its job
 * is queued (OPERATION_JOBS). Queuing is not in the transaction: when Redis refuses, the operation
 * stays stored as queued and the recovery of lost operations (`requeue-lost-operations`, every
 * 15 s) queues its job within seconds, so the asker still gets an answer and the work still runs.
 */
@Injectable()
export class OperationStarter {
  private readonly logger = new Logger(OperationStarter.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly operations: OperationsService,
    private readonly audit: AuditService,
    private readonly jobs: OperationJobs,
  ) {}

  /** Stores the operation with its audit entry, then queues `job`; answers the job's id. */
  async start(job: OperationJobName, op: NewOperation, audit: AuditEvent): Promise<string> {
    await this.dataSource.transaction(async (m) => {
      await this.operations.create(op, m);
      await this.audit.record(audit, m);
    });
    return this.queue(job, op.id);
  }

  /**
   * As start, unless an operation of its kind, province and `params[param]` is unfinished: then
   * stores nothing and answers that one's id (null when this one was started).
   */
  async startUnlessUnfinished(
    job: OperationJobName,
    op: NewOperation & { provinceCode: string },
    param: string,
    audit: AuditEvent,
  ): Promise<string | null> {
    const running = await this.operations.createUnlessUnfinished(op, param, (m) =>
      this.audit.record(audit, m),
    );
    if (running) return running;
    await this.queue(job, op.id);
    return null;
  }

  private async queue(job: OperationJobName, operationId: string): Promise<string> {
    try {
      return await this.jobs.add(job, operationId);
    } catch (error) {
      // Stored but not queued: the recovery of lost operations queues it within seconds.
      this.logger.warn(`${job} operation ${operationId} stored but not queued: ${(error as Error).message}`);
      return operationJobId(job, operationId);
    }
  }
}
