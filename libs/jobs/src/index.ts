export * from './jobs.module';
export * from './ingest';
export * from './sync';
export * from './reconcile';
export * from './maintenance';
export * from './operations';
export * from './poll';
