export * from './callbacks-workers.module';
export * from './callback-scan.service';
