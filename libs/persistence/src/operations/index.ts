export * from './operation.types';
export * from './operation.repository';
export * from './poll-backfill.repository';
