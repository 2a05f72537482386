export * from './callbacks-jobs.module';
export * from './callback-scan.service';
