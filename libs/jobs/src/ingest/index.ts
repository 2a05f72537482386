export * from './ingest.processor';
export * from './ingest-jobs.module';
export * from './pipeline-settings';
