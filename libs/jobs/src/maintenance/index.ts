export * from './maintenance.processor';
export * from './maintenance-scheduler.service';
export * from './maintenance-jobs.module';
export * from './lost-operation-recovery';
export * from './activity-rollup.port';
export * from './activity-rollup.service';
