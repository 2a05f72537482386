export * from './poll.processor';
export * from './poll-scheduler.service';
export * from './poll-backfill.service';
export * from './poll-backfill.module';
export * from './poll-jobs.module';
