/** One queue's depth at one instant, as the charts keep it. */
export interface QueueDepthSample {
  queue: string;
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
}

/**
 * What the maintenance queue's `activity-rollup` job needs from storage (PgActivityStore in
 * libs/persistence implements it): count the last minutes into the charts' table, keep the queues'
 * depth, forget what is older than the charts show.
 */
export interface ActivityRollupPort {
  rollup(now?: Date, keepHours?: number): Promise<number>;
  recordQueueDepth(samples: QueueDepthSample[], now?: Date): Promise<void>;
}

export const ACTIVITY_ROLLUP = Symbol('ActivityRollupPort');
