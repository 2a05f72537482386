export * from './queue-names';
export * from './job-payloads';
export * from './job-options';
export * from './redis-connection';
export * from './queue-stats.service';
export * from './queues.module';
export * from './job-scheduler-check';
export * from './worker-closing-guard';
