export * from './maintenance.processor';
export * from './maintenance-scheduler.service';
export * from './maintenance-workers.module';
export * from './replay-run-recovery';
