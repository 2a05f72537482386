export * from './ingest.processor';
export * from './ingest-workers.module';
export * from './pipeline-settings';
