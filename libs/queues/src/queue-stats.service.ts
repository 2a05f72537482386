import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { type Queue } from 'bullmq';
import { ALL_QUEUES, QueueName } from './queue-names';

export interface QueueStats {
  name: QueueName;
  paused: boolean;
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  completed: number;
  /** Jobs completed in the last minute (from BullMQ's per-minute metrics). */
  completedLastMinute: number;
}

/** Counts per queue, read from Redis, for /metrics and the operator API. */
@Injectable()
export class QueueStatsService {
  private readonly queues: Record<QueueName, Queue>;

  constructor(
    @InjectQueue(QueueName.Ingest) ingest: Queue,
    @InjectQueue(QueueName.Poll) poll: Queue,
    @InjectQueue(QueueName.Sync) sync: Queue,
    @InjectQueue(QueueName.Reconcile) reconcile: Queue,
    @InjectQueue(QueueName.Maintenance) maintenance: Queue,
    @InjectQueue(QueueName.Callbacks) callbacks: Queue,
  ) {
    this.queues = { ingest, poll, sync, reconcile, maintenance, callbacks };
  }

  queue(name: QueueName): Queue {
    return this.queues[name];
  }

  /** Global pause: no worker of any process takes new jobs; active ones finish. */
  async pause(name: QueueName): Promise<void> {
    await this.queues[name].pause();
  }

  async resume(name: QueueName): Promise<void> {
    await this.queues[name].resume();
  }

  /** Moves every failed job back to waiting (in batches); answers how many were failed before. */
  async retryFailed(name: QueueName): Promise<number> {
    const queue = this.queues[name];
    const failed = await queue.getFailedCount();
    if (failed > 0) await queue.retryJobs({ state: 'failed', count: 1000 });
    return failed;
  }

  async all(): Promise<QueueStats[]> {
    return Promise.all(ALL_QUEUES.map((name) => this.one(name)));
  }

  async one(name: QueueName): Promise<QueueStats> {
    const queue = this.queues[name];
    const [counts, paused, metrics] = await Promise.all([
      queue.getJobCounts(
        'waiting',
        'active',
        'delayed',
        'failed',
        'completed',
        'prioritized',
        'waiting-children',
      ),
      queue.isPaused(),
      queue.getMetrics('completed', 0, 0),
    ]);
    return {
      name,
      paused,
      waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0) + (counts['waiting-children'] ?? 0),
      active: counts.active ?? 0,
      delayed: counts.delayed ?? 0,
      failed: counts.failed ?? 0,
      completed: counts.completed ?? 0,
      completedLastMinute: metrics.data[0] ?? 0,
    };
  }
}
