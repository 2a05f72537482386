export * from './workers.module';
export * from './ingest';
