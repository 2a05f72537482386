export * from './poll.processor';
export * from './poll-scheduler.service';
export * from './poll-jobs.module';
